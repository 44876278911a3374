"""Where tracked partnerships live: a SQLite file by default, PostgreSQL by URL.

Two ways in, one set of rules. :func:`open_store` (:mod:`lifecycle.store.engine`)
opens the database through SQLAlchemy for the tracker's writes, creating or
migrating it where allowed; :func:`lifecycle.store.reading.open_reading` opens
it read-only through the driver alone, for the commands that only read, so
they do not pay for importing SQLAlchemy. This package itself imports neither:
the names below that need SQLAlchemy are loaded on first use.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lifecycle.diagnostics import LifecycleError

if TYPE_CHECKING:
    from lifecycle.store.engine import Store, open_store, upgrade

__all__ = [
    "DEFAULT_FILE",
    "ENV_VAR",
    "HEAD_REVISION",
    "DatabaseError",
    "Store",
    "database_url",
    "open_store",
    "upgrade",
]

DEFAULT_FILE = "lifecycle.db"
"""The SQLite file used when no URL is given, beside the workflow file."""

ENV_VAR = "LIFECYCLE_DB"
"""The environment variable that names the database when ``--db`` is not given."""

_MIGRATIONS = Path(__file__).with_name("migrations")

HEAD_REVISION = "0006"
"""The newest migration in ``migrations/versions`` (a test keeps the two equal).
Opening a database at this revision needs no Alembic import, which keeps the
migration machinery off every tracking command's path."""

_ENGINE = {"Store", "open_store", "upgrade"}


class DatabaseError(LifecycleError):
    """The database cannot be used: bad URL, unreachable, not a lifecycle database,
    or it failed after opening (locked, read-only, full, damaged)."""


def database_url(db: str | None = None, *, workflow: str | os.PathLike[str] | None = None) -> str:
    """The database to use: ``db`` (a URL or a file path), else ``$LIFECYCLE_DB``,
    else ``lifecycle.db`` beside ``workflow`` (or in the current folder)."""
    chosen = db or os.environ.get(ENV_VAR)
    if not chosen:
        folder = Path(workflow).resolve().parent if workflow else Path.cwd()
        chosen = str(folder / DEFAULT_FILE)
    if "://" not in chosen:
        return f"sqlite:///{Path(chosen).resolve()}"
    return chosen


def __getattr__(name: str) -> Any:
    if name not in _ENGINE:
        raise AttributeError(f"module 'lifecycle.store' has no attribute {name!r}")
    value = getattr(importlib.import_module("lifecycle.store.engine"), name)
    globals()[name] = value
    return value
