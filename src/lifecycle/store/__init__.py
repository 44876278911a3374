"""Where tracked partnerships live: a SQLite file by default, PostgreSQL by URL.

:func:`open_store` checks the database before anything is written: a bad URL, an
unreachable server, a file that is not a database or a database of something
else is refused with one clear line, and nothing is changed. A new, empty
database gets the tables on first use, through the Alembic migrations shipped
in this package (:func:`upgrade`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from lifecycle.diagnostics import LifecycleError

__all__ = ["DEFAULT_FILE", "ENV_VAR", "DatabaseError", "Store", "database_url", "open_store", "upgrade"]

DEFAULT_FILE = "lifecycle.db"
"""The SQLite file used when no URL is given, beside the workflow file."""

ENV_VAR = "LIFECYCLE_DB"
"""The environment variable that names the database when ``--db`` is not given."""

_MIGRATIONS = Path(__file__).with_name("migrations")

HEAD_REVISION = "0003"
"""The newest migration in ``migrations/versions`` (a test keeps the two equal).
Opening a database at this revision needs no Alembic import, which keeps the
migration machinery off every tracking command's path."""


class DatabaseError(LifecycleError):
    """The database cannot be used: bad URL, unreachable, not a lifecycle database."""


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


@dataclass
class Store:
    """An open, migrated database and a session factory for it."""

    engine: Engine
    url: str
    """The URL with any password hidden, for messages."""
    sessions: sessionmaker[Session]

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back on error.

        With ``write``, the transaction takes the database's write lock as it
        begins (SQLite's ``BEGIN IMMEDIATE``), so what it reads is still true
        when it writes: two writers queue instead of racing, and the audit
        chain's newest entry cannot change under a writer.
        """
        with self.sessions.begin() as session:
            if write:
                session.connection(execution_options={_WRITE: True})
            yield session

    def close(self) -> None:
        """Release the database's connections."""
        self.engine.dispose()


def open_store(url: str, *, create: bool = False) -> Store:
    """Open the database at ``url`` and make sure it holds lifecycle's tables.

    Parameters
    ----------
    url
        A SQLAlchemy URL (``sqlite:///path``, ``postgresql://user@host/db``).
    create
        Create a missing SQLite file. An existing empty database always gets
        the tables.

    Raises
    ------
    DatabaseError
        For a bad URL, an unreachable server, a missing SQLite file (unless
        ``create``), a file that is not a database, a database that holds other
        tables, or one whose schema is older than this version (run ``lifecycle
        db upgrade``) or newer.
    """
    engine, shown = _connectable(url, create=create)
    try:
        with engine.connect() as connection:
            _check_schema(connection, shown, upgrade_old=False)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise DatabaseError(f"cannot use database {shown}: {_reason(exc)}") from None
    except DatabaseError:
        engine.dispose()
        raise
    return Store(engine, shown, sessionmaker(engine, expire_on_commit=False))


def upgrade(url: str) -> str:
    """Bring the database at ``url`` to the latest schema (creating a SQLite file
    if needed) and return the revision it is at."""
    engine, shown = _connectable(url, create=True)
    try:
        with engine.connect() as connection:
            return _check_schema(connection, shown, upgrade_old=True)
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot use database {shown}: {_reason(exc)}") from None
    finally:
        engine.dispose()


def _connectable(url: str, *, create: bool) -> tuple[Engine, str]:
    """An engine for ``url`` and the URL as shown to users (no password), after
    refusing a bad URL or a SQLite path that is missing (unless ``create``) or
    not a database."""
    parsed = _parse(url)
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_file(parsed, shown, create=create)
    return _engine(parsed), shown


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise DatabaseError(f"invalid database URL {url!r} (expected e.g. sqlite:///lifecycle.db)") from None
    if parsed.drivername == "postgresql":
        # psycopg 3 is the driver lifecycle ships with; SQLAlchemy's default is psycopg2.
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise DatabaseError(f"unsupported database {parsed.drivername!r}: use sqlite or postgresql")
    return parsed


def _check_sqlite_file(url: URL, shown: str, *, create: bool) -> None:
    if not url.database or url.database == ":memory:":
        return
    path = Path(url.database)
    if path.is_dir():
        raise DatabaseError(f"cannot use database {shown}: {path} is a folder")
    if not path.exists():
        if not create:
            raise DatabaseError(
                f"no lifecycle database at {path} (start a partnership there, or give --db or ${ENV_VAR})"
            )
        if not path.parent.is_dir():
            raise DatabaseError(f"cannot create database {path}: folder {path.parent} does not exist")


def _engine(url: URL) -> Engine:
    try:
        if url.get_backend_name() == "sqlite":
            engine = create_engine(url, connect_args={"timeout": 60})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        return create_engine(url, connect_args={"connect_timeout": 10})
    except (ArgumentError, ImportError) as exc:
        shown = url.render_as_string(hide_password=True)
        raise DatabaseError(f"cannot use database {shown}: {exc}") from None


_WRITE = "lifecycle_write"
"""Execution option of a connection whose transaction will write."""


def _sqlite_begin(connection: Connection) -> None:
    # The driver's own transaction handling is off (see _sqlite_pragmas): say how to begin.
    immediate = connection.get_execution_options().get(_WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
    # Left to itself, Python's sqlite3 begins a transaction only at the first
    # write, after the reads it depends on; lifecycle begins them itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    # A write-ahead log lets readers work while one process writes, and costs
    # one sync per commit instead of several; FULL keeps every commit durable.
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def _check_schema(connection: Connection, shown: str, *, upgrade_old: bool) -> str:
    """Migrate an empty database, check a used one; return its revision."""
    current = _current_revision(connection)
    if current == HEAD_REVISION:
        return current
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    tables = set(inspect(connection).get_table_names())
    head = ScriptDirectory(str(_MIGRATIONS)).get_current_head()
    if not tables:
        return _migrate(connection)
    if "alembic_version" not in tables or "partnerships" not in tables:
        listed = ", ".join(sorted(tables)[:5])
        raise DatabaseError(f"{shown} is not a lifecycle database (it holds other tables: {listed})")
    current = MigrationContext.configure(connection).get_current_revision()
    if current == head:
        return current or ""
    known = {rev.revision for rev in ScriptDirectory(str(_MIGRATIONS)).walk_revisions()}
    if current not in known:
        raise DatabaseError(f"{shown} has schema revision {current}, newer than this lifecycle knows")
    if not upgrade_old:
        raise DatabaseError(f"{shown} has schema revision {current}: run `lifecycle db upgrade` first")
    return _migrate(connection)


def _current_revision(connection: Connection) -> str | None:
    """The revision in ``alembic_version``, or None when there is no such table."""
    try:
        with connection.begin_nested() if connection.in_transaction() else connection.begin():
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None


def _migrate(connection: Connection) -> str:
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
    connection.commit()
    return MigrationContext.configure(connection).get_current_revision() or ""


def _reason(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return lines[0] if lines else type(original).__name__
