"""Parsed workflows kept between commands, keyed by the file's content hash.

Parsing a workflow file (YAML, schema validation, cross-references) and
building the pydantic validators it needs costs more than any tracking command
does with the result, and the file rarely changes between two commands in a
meeting. So a workflow that loaded without problems is kept in a per-user cache
folder, ``$XDG_CACHE_HOME/lifecycle/workflows`` (``~/.cache`` by default), named
by the SHA-256 of the file's bytes and of the code that shapes a loaded workflow
(the model, the loader, the reference checks, their versions). A changed file,
or a changed lifecycle, is another name: a cached entry is never stale.

What a cache file is trusted with, and why:

- It is a pickle, read by an unpickler that resolves only the classes of
  :mod:`lifecycle.model` (and plain dates), so whatever a file holds, reading it
  builds model objects and calls nothing else: no code runs from the cache.
- It is read only from a folder and a file that belong to the user running
  lifecycle and that nobody else may write (as ssh treats its keys): a shared or
  foreign cache is ignored, not used. Within those bounds, the cache is as
  trusted as the installed code, which the same user can change anyway.
- Its payload carries its SHA-256, checked before unpickling, so a truncated or
  damaged file is found; anything unexpected (a bad header, a wrong class, an
  object that is not a workflow) makes it a miss: the file is parsed again and
  the entry rewritten. Writes go to a temporary file that replaces the entry
  atomically, so a reader never sees half an entry. The 64 newest entries are kept.

``LIFECYCLE_CACHE=off`` turns the cache off (every command parses the file).
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import io
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lifecycle.model import Workflow

__all__ = ["CACHE_VARIABLE", "cache_folder", "cached_workflow", "keep_workflow"]

CACHE_VARIABLE = "LIFECYCLE_CACHE"
"""Set to ``off`` to parse every workflow file afresh."""

_MAGIC = b"lifecycle-workflow-cache 1\n"
_MAX_BYTES = 64 * 1024 * 1024
_KEPT = 64
"""Entries kept: each edit of a tracked workflow adds one, so the oldest go."""
_DATES = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "timedelta")}
# The modules whose code decides what a loaded workflow looks like.
_SHAPING = ("model.py", "loader.py", "references.py", "safe_yaml.py")
_code_key: str | None = None


def cache_folder() -> Path | None:
    """The folder cached workflows live in, or None when caching is off or
    there is no home to put it in."""
    if os.environ.get(CACHE_VARIABLE, "").lower() in {"off", "0", "no", "false"}:
        return None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base or not os.path.isabs(base):
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:
            return None
    return Path(base) / "lifecycle" / "workflows"


def _code() -> str:
    """What the cached objects depend on besides the file: lifecycle's shaping
    modules (their bytes, so an edited checkout counts), pydantic and Python."""
    global _code_key
    if _code_key is None:
        import pydantic

        digest = hashlib.sha256(f"{pydantic.VERSION} {sys.version}".encode())
        package = Path(__file__).resolve().parent.parent
        for name in _SHAPING:
            digest.update((package / name).read_bytes())
        _code_key = digest.hexdigest()
    return _code_key


def _entry(folder: Path, content_hash: str) -> Path:
    name = hashlib.sha256(f"{content_hash} {_code()}".encode()).hexdigest()
    return folder / f"{name}.pickle"


def _private(info: os.stat_result) -> bool:
    # Ours alone: owned by this user, writable by nobody else.
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


class _ModelUnpickler(pickle.Unpickler):
    """Builds the classes of :mod:`lifecycle.model` and dates; refuses any
    other name, so unpickling cannot call into anything else."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "lifecycle.model":
            from pydantic import BaseModel

            from lifecycle import model

            found = getattr(model, name, None)
            if isinstance(found, type) and issubclass(found, BaseModel | enum.Enum):
                return found
        elif (module, name) in _DATES:
            return getattr(dt, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a workflow class")


def cached_workflow(content_hash: str) -> Workflow | None:
    """The workflow cached for a file whose bytes hash to ``content_hash``, or
    None on a miss (nothing cached, caching off, or an entry not to be trusted)."""
    folder = cache_folder()
    if folder is None:
        return None
    try:
        if not _private(folder.stat()):
            return None
        with open(_entry(folder, content_hash), "rb") as handle:
            if not _private(os.fstat(handle.fileno())):
                return None
            data = handle.read(_MAX_BYTES + 1)
    except OSError:
        return None
    header_end = len(_MAGIC) + 65
    if len(data) > _MAX_BYTES or not data.startswith(_MAGIC) or data[header_end - 1 : header_end] != b"\n":
        return None
    payload = data[header_end:]
    if hashlib.sha256(payload).hexdigest().encode() != data[len(_MAGIC) : header_end - 1]:
        return None
    try:
        workflow = _ModelUnpickler(io.BytesIO(payload)).load()
    except Exception:  # noqa: BLE001 - any unreadable entry is a miss, never an error
        return None
    from lifecycle.model import Workflow

    return workflow if isinstance(workflow, Workflow) else None


def keep_workflow(content_hash: str, workflow: Workflow) -> None:
    """Cache ``workflow``, loaded from a file whose bytes hash to
    ``content_hash``; quietly does nothing when the folder cannot be written
    or is not the user's own."""
    folder = cache_folder()
    if folder is None:
        return
    try:
        payload = pickle.dumps(workflow, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return
    data = _MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(folder.stat()):
            return
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, _entry(folder, content_hash))
        except BaseException:
            os.unlink(temporary)
            raise
        _prune(folder)
    except OSError:
        return


def _prune(folder: Path) -> None:
    """Remove all but the :data:`_KEPT` most recently written entries."""
    entries = sorted(folder.glob("*.pickle"), key=lambda entry: entry.stat().st_mtime, reverse=True)
    for entry in entries[_KEPT:]:
        entry.unlink(missing_ok=True)
