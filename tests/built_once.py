"""Expensive test inputs built once per test run and shared by every xdist worker.

:func:`built_once` builds a file into a folder all workers of the run share
(the parent of each worker's own temporary folder), under a lock, and marks it
done; a worker that comes later waits for the lock and takes the file as it is.
Tests must not change the file: copy it to write to it (:func:`copy_sqlite` for a database).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest


def shared_folder(factory: pytest.TempPathFactory) -> Path:
    """The folder of this test run that every xdist worker of it shares."""
    base = factory.getbasetemp()
    # Under xdist each worker's base is <run>/popen-gwN; the run's folder is its parent.
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """The path ``name`` in the run's shared folder, made by ``build(path)`` the first time it is asked for.

    ``build`` must create the file at the path it is given.
    """
    root = shared_folder(factory) / "built-once"
    root.mkdir(exist_ok=True)
    return made_once(root / name, build)


def made_once(path: Path, build: Callable[[Path], None]) -> Path:
    """``path``, made by ``build(path)`` unless a process (this one or another
    worker) already made it; the lock and the mark sit beside it."""
    _make(path, build, wait=True)
    return path


def made_once_each(jobs: Mapping[Path, Callable[[Path], None]]) -> None:
    """Make every path of ``jobs`` once, as :func:`made_once` does; this process
    takes the jobs no other worker is on first, and waits for the others' last,
    so two workers asking for the same list build half of it each."""
    pending = dict(jobs)
    while pending:
        taken = [path for path, build in pending.items() if _make(path, build, wait=False)]
        for path in taken:
            del pending[path]
        if pending and not taken:
            path, build = next(iter(pending.items()))
            _make(path, build, wait=True)
            del pending[path]


def _make(path: Path, build: Callable[[Path], None], *, wait: bool) -> bool:
    """Whether ``path`` is made: by ``build`` now, or before; without ``wait``,
    False when another process holds its lock."""
    done = path.with_name(f"{path.name}.done")
    with path.with_name(f"{path.name}.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        if not done.exists():
            path.unlink(missing_ok=True)
            build(path)
            done.touch()
    return True


def copy_sqlite(source: Path, target: Path) -> Path:
    """Copy the SQLite database ``source`` to ``target`` with SQLite's backup API and return ``target``.

    A file copy could miss what is still in ``source``'s write-ahead log when the
    process that wrote it still has it open, as the in-process CLI does.
    """
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    return target
