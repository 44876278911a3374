"""The rules for a SQLite file, the same whichever way it is opened.

Both ways into a database (:mod:`lifecycle.store.engine` for writes,
:mod:`lifecycle.store.reading` for reads) refuse an in-memory database, a
folder and a missing file with the same line, and open a file read-only the
same way, so that reading leaves it byte-identical.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from lifecycle.store import ENV_VAR, DatabaseError

__all__ = ["check_sqlite_file", "connect_read_only", "read_only_connector", "unwritable"]


def check_sqlite_file(name: str, mode: str | None, shown: str, *, create: bool) -> None:
    """Refuse the SQLite database ``name`` (the URL's path; ``mode`` its
    ``?mode=`` option) when it is in memory, a folder, or missing (unless
    ``create`` and its folder exists).

    Raises
    ------
    DatabaseError
        With one line that says what to give instead.
    """
    in_memory = name in {"", ":memory:"} or name.startswith("file::memory:") or "mode=memory" in name
    if in_memory or mode == "memory":
        raise DatabaseError(
            f"{shown} is an in-memory database, which keeps nothing: give a file (e.g. --db lifecycle.db)"
        )
    path = Path(name)
    if path.is_dir():
        raise DatabaseError(f"cannot use database {shown}: {path} is a folder")
    if not path.exists():
        if not create:
            raise DatabaseError(
                f"no lifecycle database at {path} (start a partnership there, or give --db or ${ENV_VAR})"
            )
        if not path.parent.is_dir():
            raise DatabaseError(f"cannot create database {path}: folder {path.parent} does not exist")


def unwritable(path: Path) -> bool:
    """True for an existing file this process cannot write (or whose folder it cannot)."""
    return path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def connect_read_only(path: Path, wait: float) -> sqlite3.Connection:
    """A connection to the SQLite file ``path`` that can write nothing, waiting
    up to ``wait`` seconds for another process's lock."""
    # mode=ro never writes, so no pragma may either; in a folder that cannot be
    # written, nobody can be adding to a write-ahead log, and immutable=1 lets
    # SQLite read without creating its -shm file there.
    flags = "mode=ro" if os.access(path.parent, os.W_OK) else "mode=ro&immutable=1"
    uri = f"file:{quote(str(path))}?{flags}"
    connection = sqlite3.connect(uri, uri=True, timeout=wait, check_same_thread=False)
    # Not even a temporary table or a pragma that writes: the file stays byte-identical.
    connection.execute("PRAGMA query_only = ON")
    return connection


def read_only_connector(path: Path, wait: float) -> Callable[[], sqlite3.Connection]:
    """:func:`connect_read_only` as a connection factory (SQLAlchemy's ``creator``)."""
    return lambda: connect_read_only(path, wait)
