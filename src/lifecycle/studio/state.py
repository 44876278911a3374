"""What the studio knows about each served workflow file: the last version that
loaded (and its findings), and the load errors of the file as it reads now.

A file is read again only when its size or modification time changed, so a
page that asks often costs a ``stat``. When an edit breaks the file, the last
good document stays: the page keeps its map and shows the errors beside it.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from lifecycle.checks import CheckReport, run_checks
from lifecycle.diagnostics import Diagnostic, LifecycleError, LoadError, Location
from lifecycle.loader import Document, load
from lifecycle.resilience import Resilience, resilience_score
from lifecycle.studio.workspace import Workspace

__all__ = ["FileState", "Snapshot", "Studio"]

Stamp = tuple[int, int]


@dataclass(frozen=True)
class Snapshot:
    """One served file as last read."""

    name: str
    """The file's name relative to the served folder."""
    version: int
    """Goes up by one each time the file is read again after a change."""
    document: Document | None
    """The last version of the file that loaded (None if none ever did)."""
    report: CheckReport | None
    """The findings of :attr:`document`."""
    resilience: Resilience | None
    """The resilience score of :attr:`document`."""
    errors: list[Diagnostic] = field(default_factory=list)
    """Why the file as it reads now does not load (empty when it does)."""
    good_version: int = 0
    """The version :attr:`document` was read at."""


@dataclass
class FileState:
    """The snapshot of one file and the stamp it was read at."""

    snapshot: Snapshot
    stamp: Stamp | None


def _stamp(path: Path) -> Stamp | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def _shown(name: str, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Load errors located in the served name, not the absolute path read."""
    return [
        dataclasses.replace(d, location=Location(name, d.location.line, d.location.column))
        for d in diagnostics
    ]


class Studio:
    """The served workspace and the snapshots of its files.

    Safe to use from several threads: each file is read by one thread at a time.
    """

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._files: dict[str, FileState] = {}
        self._lock = threading.Lock()

    def snapshot(self, name: str) -> Snapshot:
        """The snapshot of the served file ``name``, read again if it changed.

        Raises
        ------
        BadName, NotServed
            When ``name`` is not a served file (see :meth:`Workspace.resolve`).
        """
        path = self.workspace.resolve(name)
        with self._lock:
            state = self._files.get(name)
            stamp = _stamp(path)
            if state is not None and state.stamp == stamp:
                return state.snapshot
            previous = state.snapshot if state is not None else None
            snapshot = self._read(name, path, previous)
            self._files[name] = FileState(snapshot, stamp)
            return snapshot

    def read_names(self) -> list[str]:
        """The files read so far (each because a page asked for it), sorted."""
        with self._lock:
            return sorted(self._files)

    def refresh(self, name: str) -> Snapshot | None:
        """Read ``name`` again if it changed; the new snapshot, or None when unchanged
        or no longer served."""
        with self._lock:
            before = self._files.get(name)
        try:
            after = self.snapshot(name)
        except LifecycleError:
            return None
        if before is not None and before.snapshot.version == after.version:
            return None
        return after

    @staticmethod
    def _read(name: str, path: Path, previous: Snapshot | None) -> Snapshot:
        version = previous.version + 1 if previous is not None else 1
        try:
            document = dataclasses.replace(load(path), path=name)
        except LoadError as error:
            errors = _shown(name, error.diagnostics)
        except LifecycleError as error:
            errors = [Diagnostic(Location(name), "E100", str(error))]
        else:
            report = run_checks(document)
            return Snapshot(name, version, document, report, resilience_score(document.workflow), [], version)
        if previous is None:
            return Snapshot(name, version, None, None, None, errors, 0)
        return dataclasses.replace(previous, version=version, errors=errors)
