"""The workflow a partnership follows, loaded from its file with its content hash."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from lifecycle.loader import load
from lifecycle.model import Workflow
from lifecycle.tracking.errors import TrackingError

__all__ = ["LoadedWorkflow", "load_workflow"]


@dataclass(frozen=True)
class LoadedWorkflow:
    """A workflow, its file and the SHA-256 of the file's bytes."""

    path: str
    workflow: Workflow
    hash: str


def load_workflow(path: str | Path) -> LoadedWorkflow:
    """Load the workflow file at ``path`` (absolute in the result) and hash it.

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
    workflow = load(resolved).workflow
    return LoadedWorkflow(str(resolved), workflow, hashlib.sha256(data).hexdigest())
