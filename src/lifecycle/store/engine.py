"""The database through SQLAlchemy, for the tracker's writes (and its reads).

:func:`open_store` checks the database before anything is written: a bad URL, an
unreachable server, a file that is not a database or a database of something
else is refused with one clear line, and nothing is changed. A new, empty
database gets the tables on first use, through the Alembic migrations shipped
in this package (:func:`upgrade`).

After opening, :meth:`Store.transaction` turns every database failure into one
:class:`DatabaseError` line that names the database and the remedy (see
:mod:`lifecycle.store.failures`), except the optimistic-locking conflicts the
tracker retries on. Locks are waited for ``$LIFECYCLE_DB_WAIT`` seconds; a
SQLite file or folder that cannot be written is opened read-only, so reads
still work; a SQLite file is checked for damage before its first write.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from lifecycle.diagnostics import LifecycleError
from lifecycle.store import _MIGRATIONS, HEAD_REVISION, DatabaseError
from lifecycle.store.failures import damaged, explain, first_line, locked, read_only, wait_seconds
from lifecycle.store.limits import check_lengths
from lifecycle.store.reading import Database
from lifecycle.store.sqlite_files import check_sqlite_file, read_only_connector, unwritable

__all__ = ["Store", "database_of", "open_store", "upgrade"]


@dataclass
class Store:
    """An open, migrated database and a session factory for it."""

    engine: Engine
    url: str
    """The URL with any password hidden, for messages."""
    sessions: sessionmaker[Session]
    read_only: bool = False
    """True for a SQLite file or folder this process cannot write: reads only."""
    wait: float = 0.0
    """Seconds a transaction waits for another process's lock."""
    _checked: bool = field(default=False, repr=False)

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back on error.

        With ``write``, the transaction takes the database's write lock as it
        begins (SQLite's ``BEGIN IMMEDIATE``; on PostgreSQL a transaction-level
        advisory lock), so what it reads is still true when it writes: two
        writers queue instead of racing, and the audit chain's newest entry
        cannot change under a writer. Queueing rather than retrying matters
        under load: with 20 PostgreSQL writers racing on version numbers, one
        in nine operations exhausted the tracker's retries.

        Raises
        ------
        DatabaseError
            For any database failure, in one line without SQL (see
            :func:`lifecycle.store.failures.explain`). A
            :class:`~sqlalchemy.orm.exc.StaleDataError` (another writer
            committed first) passes through for the caller to retry.
        """
        if write and self.read_only:
            raise DatabaseError(read_only(self.url))
        try:
            with self.sessions.begin() as session:
                if write:
                    connection = session.connection(execution_options={_WRITE: True})
                    if connection.dialect.name == "postgresql":
                        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _WRITE_LOCK})
                    if not self._checked:
                        self._check_intact(connection)
                yield session
        except StaleDataError:
            raise
        except SQLAlchemyError as exc:
            raise DatabaseError(explain(exc, self.url, wait=self.wait, reading=not write)) from None

    def _check_intact(self, connection: Connection) -> None:
        # Once per open store, under the write lock: writing to a damaged file
        # spreads the damage, and a command is one store, so every write is covered.
        if connection.dialect.name == "sqlite":
            found = [str(row) for (row,) in connection.execute(text("PRAGMA quick_check(3)"))]
            if found != ["ok"]:
                lines = [line for text_ in found for line in text_.splitlines() if not line.startswith("***")]
                raise DatabaseError(damaged(self.url, "; ".join(lines)[:160]))
        self._checked = True

    def close(self) -> None:
        """Release the database's connections."""
        self.engine.dispose()


def open_store(url: str, *, create: bool = False, readonly: bool = False) -> Store:
    """Open the database at ``url`` and make sure it holds lifecycle's tables.

    Parameters
    ----------
    url
        A SQLAlchemy URL (``sqlite:///path``, ``postgresql://user@host/db``).
    create
        Create a missing SQLite file. An existing empty database always gets
        the tables (unless ``readonly``).
    readonly
        Open the database so that nothing can be written, by lifecycle or by
        the database: a SQLite file through a ``mode=ro`` connection with
        ``query_only`` on (the file stays byte-identical), PostgreSQL in
        read-only transactions. Nothing is created or migrated; a write is
        refused with one line.

    Raises
    ------
    DatabaseError
        For a bad URL, an unreachable server, a missing SQLite file (unless
        ``create``), a file that is not a database, a database that holds other
        tables, or one whose schema is older than this version (run ``lifecycle
        db upgrade``) or newer; with ``readonly``, also an empty database.
    """
    engine, shown, readonly = _connectable(url, create=create and not readonly, readonly=readonly)
    try:
        with engine.connect() as connection:
            _check_schema(connection, shown, upgrade_old=False, readonly=readonly)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise _unusable(exc, shown, reading=readonly) from None
    except DatabaseError:
        engine.dispose()
        raise
    sessions = sessionmaker(engine, expire_on_commit=False)
    event.listen(sessions, "before_flush", check_lengths)
    return Store(engine, shown, sessions, read_only=readonly, wait=_wait())


def _unusable(exc: SQLAlchemyError, shown: str, *, reading: bool) -> DatabaseError:
    """Why the database shown as ``shown`` could not be opened, in one line: a lock
    held past the wait says so as a refusal of the command's work would
    (``reading``: a read, which does not say that nothing was written)."""
    if locked(exc):
        return DatabaseError(explain(exc, shown, wait=wait_seconds(), reading=reading))
    return DatabaseError(f"cannot use database {shown}: {first_line(exc)}")


def upgrade(url: str) -> str:
    """Bring the database at ``url`` to the latest schema (creating a SQLite file
    if needed) and return the revision it is at."""
    engine, shown, _readonly = _connectable(url, create=True)
    try:
        with engine.connect() as connection:
            return _check_schema(connection, shown, upgrade_old=True)
    except SQLAlchemyError as exc:
        raise _unusable(exc, shown, reading=False) from None
    finally:
        engine.dispose()


def _connectable(url: str, *, create: bool, readonly: bool = False) -> tuple[Engine, str, bool]:
    """An engine for ``url``, the URL as shown to users (no password) and whether
    it can only be read (asked for, or a SQLite file this process cannot
    write), after refusing a bad URL or a SQLite path that is in memory,
    missing (unless ``create``) or not a database."""
    parsed = _parse(url)
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite":
        mode = parsed.query.get("mode")
        check_sqlite_file(
            parsed.database or "", mode if isinstance(mode, str) else None, shown, create=create
        )
        readonly = readonly or unwritable(Path(parsed.database or ""))
    return _engine(parsed, readonly=readonly), shown, readonly


def _wait() -> float:
    try:
        return wait_seconds()
    except LifecycleError as exc:
        raise DatabaseError(str(exc)) from None


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


def _engine(url: URL, *, readonly: bool = False) -> Engine:
    wait = _wait()
    try:
        if url.get_backend_name() == "sqlite":
            if readonly:
                engine = create_engine(url, creator=read_only_connector(Path(url.database or ""), wait))
            else:
                engine = create_engine(url, connect_args={"timeout": wait})
            event.listen(engine, "connect", _sqlite_session)
            if not readonly:
                event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        # lock_timeout bounds the wait for a row or table lock, as SQLite's timeout does.
        options = f"-c lock_timeout={round(wait * 1000)}"
        if readonly:
            options += " -c default_transaction_read_only=on"
        return create_engine(url, connect_args={"connect_timeout": 10, "options": options})
    except (ArgumentError, ImportError) as exc:
        shown = url.render_as_string(hide_password=True)
        raise DatabaseError(f"cannot use database {shown}: {exc}") from None


_WRITE = "lifecycle_write"
"""Execution option of a connection whose transaction will write."""


def _sqlite_begin(connection: Connection) -> None:
    # The driver's own transaction handling is off (see _sqlite_pragmas): say how to begin.
    immediate = connection.get_execution_options().get(_WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _sqlite_session(dbapi_connection: Any, record: Any) -> None:
    # Left to itself, Python's sqlite3 begins a transaction only at the first
    # write, after the reads it depends on; lifecycle begins them itself.
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA foreign_keys = ON")


def _sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # A write-ahead log lets readers work while one process writes, and costs
    # one sync per commit instead of several; FULL keeps every commit durable.
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def _check_schema(connection: Connection, shown: str, *, upgrade_old: bool, readonly: bool = False) -> str:
    """Migrate an empty database, check a used one; return its revision.

    A database at the newest revision is only read (without importing Alembic).
    Anything else is looked at again under a lock that every lifecycle process
    takes before migrating (SQLite's write lock, a PostgreSQL advisory lock), so
    concurrent first starts on a new database create the tables once and the
    others find them. A ``readonly`` database is only looked at: an empty one
    is refused.
    """
    if _current_revision(connection) == HEAD_REVISION:
        return HEAD_REVISION
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(_MIGRATIONS)).get_current_head()
    tables, current = _schema(connection)
    if tables and current == head:
        return current or ""
    if readonly:
        if not tables:
            raise DatabaseError(f"{shown} is empty: it holds no tracked partnership yet")
    else:
        connection.rollback()
        if connection.dialect.name == "sqlite":
            connection.execution_options(**{_WRITE: True})
        else:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _WRITE_LOCK})
        tables, current = _schema(connection)
        if not tables:
            return _migrate(connection)
    if "alembic_version" not in tables or "partnerships" not in tables:
        listed = ", ".join(sorted(tables)[:5])
        raise DatabaseError(f"{shown} is not a lifecycle database (it holds other tables: {listed})")
    if current is None:
        raise DatabaseError(
            f"{shown} has lifecycle's tables but no schema revision (its alembic_version table is "
            "empty): restore it from a backup"
        )
    if current == head:
        connection.commit()
        return current
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


_WRITE_LOCK = 0x11FEC7C1E
"""The PostgreSQL advisory lock key that lifecycle's writes and migrations queue on."""


def _schema(connection: Connection) -> tuple[set[str], str | None]:
    """The database's table names and its Alembic revision (None when unstamped)."""
    from alembic.runtime.migration import MigrationContext

    tables = set(inspect(connection).get_table_names())
    if "alembic_version" not in tables:
        return tables, None
    return tables, MigrationContext.configure(connection).get_current_revision()


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


def database_of(session: Session) -> Database:
    """The driver's connection under ``session``, in the session's transaction,
    for the queries written once for both ways into a database
    (:mod:`lifecycle.tracking.queries`). The session's pending changes are
    flushed first, so the SQL sees what the session holds."""
    session.flush()
    connection = session.connection()
    return Database(connection.connection.dbapi_connection, connection.dialect.name)
