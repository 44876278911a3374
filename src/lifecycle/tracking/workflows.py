"""The workflow a partnership follows, loaded from its file with its content hash."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lifecycle.tracking.errors import TrackingError
from lifecycle.tracking.workflow_cache import cached_workflow, keep_workflow

if TYPE_CHECKING:
    from lifecycle.model import Workflow

__all__ = ["LoadedWorkflow", "file_hash", "load_workflow"]


@dataclass(frozen=True)
class LoadedWorkflow:
    """A workflow, its file and the SHA-256 of the file's bytes."""

    path: str
    workflow: Workflow
    hash: str


_PARSED: dict[tuple[str, str], LoadedWorkflow] = {}


def load_workflow(path: str | Path) -> LoadedWorkflow:
    """Load the workflow file at ``path`` (absolute in the result) and hash it.

    The file is read every time, so a change is seen at once; it is parsed only
    when its content is new to this process and to the user's cache of parsed
    workflows (:mod:`lifecycle.tracking.workflow_cache`).

    Raises
    ------
    TrackingError
        When the file is missing; :class:`~lifecycle.diagnostics.LoadError` when it
        is invalid.
    """
    resolved = Path(path).resolve()
    try:
        data = resolved.read_bytes()
    except OSError as exc:
        raise TrackingError(f"cannot read workflow file {path}: {exc.strerror}") from None
    digest = hashlib.sha256(data).hexdigest()
    key = (str(resolved), digest)
    cached = _PARSED.get(key)
    if cached is None:
        workflow = cached_workflow(digest)
        if workflow is None:
            from lifecycle.loader import load  # parsing is needed only for a new file content

            workflow = load(resolved).workflow
            keep_workflow(digest, workflow)
        cached = _PARSED[key] = LoadedWorkflow(str(resolved), workflow, digest)
    return cached


def file_hash(path: str | Path) -> str | None:
    """The SHA-256 of the file at ``path``, or None when it cannot be read;
    enough to tell whether a workflow changed without parsing it."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None
