"""Reading the database through its driver alone, without SQLAlchemy.

The commands that only read (``status``, ``gate check``, ``log``, the lists)
start in a fraction of the time when they do not import SQLAlchemy, which
costs more than everything else they do. :class:`Database` runs SQL written
once for both drivers (``sqlite3`` and ``psycopg``) and reads rows back as the
records of :mod:`lifecycle.store.records`; the tracker's writes hand it their
session's own connection, so both paths share every query
(:mod:`lifecycle.tracking.queries`).

:func:`open_reading` opens a database so that nothing can be written: a
SQLite file through a ``mode=ro`` connection with ``query_only`` on (the file
stays byte-identical), PostgreSQL in read-only transactions. Its opening check
is the fast one of :func:`lifecycle.store.open_store`: the schema is at
:data:`~lifecycle.store.HEAD_REVISION`. Anything else (an old or foreign
schema, an empty or broken file, an unreachable server, an unusual URL)
raises :class:`NotPlain`, for the caller to open the database the full way,
whose checks give the one-line reason.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import typing
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import unquote, urlsplit

from lifecycle.diagnostics import LifecycleError
from lifecycle.store import HEAD_REVISION, DatabaseError
from lifecycle.store.failures import explain, first_line, locked, wait_seconds
from lifecycle.store.sqlite_files import check_sqlite_file, connect_read_only

__all__ = ["Database", "NotPlain", "Reading", "columns", "open_reading"]

R = TypeVar("R")

_NAMED = re.compile(r"(?<![:\w]):(\w+)")
"""A ``:name`` parameter (not a ``::`` cast, not inside a word)."""


class NotPlain(Exception):
    """The database needs the full opening checks: it is not a reachable
    lifecycle database at the newest schema, or its URL is not a plain one."""


class Database:
    """A DB-API connection of either driver, inside a transaction the caller
    owns: SQL is written once with ``:name`` parameters, and values come back
    as the same Python types from both."""

    def __init__(self, connection: Any, backend: str) -> None:
        self.connection = connection
        self.backend = backend
        """``sqlite`` or ``postgresql``."""

    def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        """Run ``sql`` with ``params`` and return every row."""
        cursor = self.connection.cursor()
        try:
            cursor.execute(self._spelled(sql), {k: self._bound(v) for k, v in params.items()})
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def records(self, record: type[R], sql: str, **params: Any) -> list[R]:
        """The rows of ``sql`` as ``record`` objects (a dataclass whose fields
        ``sql`` selects, in order: see :func:`columns`)."""
        readers = [self._reader(kind) for kind in _kinds(cast(Hashable, record))]
        return [
            record(*(read(value) for read, value in zip(readers, row, strict=True)))
            for row in self.rows(sql, **params)
        ]

    def _spelled(self, sql: str) -> str:
        return _pyformat(sql) if self.backend == "postgresql" else sql

    def _bound(self, value: Any) -> Any:
        if self.backend == "sqlite" and isinstance(value, dt.datetime):
            # As SQLAlchemy stores a moment in SQLite: naive UTC text, compared as text.
            if value.tzinfo is not None:
                value = value.astimezone(dt.UTC).replace(tzinfo=None)
            return value.strftime("%Y-%m-%d %H:%M:%S.%f")
        return value

    def _reader(self, kind: str) -> Any:
        if self.backend != "sqlite":
            return _same
        return _SQLITE_READERS.get(kind, _same)


def columns(record: type[Any]) -> str:
    """The column list of ``record`` (its field names), for a ``SELECT``."""
    return ", ".join(field.name for field in fields(record))


@cache
def _pyformat(sql: str) -> str:
    # psycopg's placeholders are %(name)s, and a literal % must be doubled.
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))


@cache
def _kinds(record: Any) -> list[str]:
    hints = typing.get_type_hints(record, {"dt": dt})
    return [_kind(hints[field.name]) for field in fields(record)]


def _kind(hint: Any) -> str:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    base = args[0] if args and typing.get_origin(hint) is not list else hint
    if base is dt.datetime:
        return "moment"
    if base is dt.date:
        return "day"
    if typing.get_origin(base) is list:
        return "document"
    return "plain"


def _same(value: Any) -> Any:
    return value


def _optional(read: Any) -> Any:
    return lambda value: None if value is None else read(value)


# SQLite keeps what SQLAlchemy stored as text: moments as naive UTC
# "YYYY-MM-DD HH:MM:SS.ffffff" (read back naive, as SQLAlchemy reads them),
# dates as "YYYY-MM-DD", JSON as its text. psycopg returns these types itself.
_SQLITE_READERS = {
    "moment": _optional(dt.datetime.fromisoformat),
    "day": _optional(dt.date.fromisoformat),
    "document": _optional(json.loads),
}


@dataclass
class Reading:
    """An open, read-only connection to a lifecycle database."""

    connection: Any
    backend: str
    url: str
    """The database as shown to users (no password)."""
    wait: float
    _errors: tuple[type[BaseException], ...]

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One read transaction, so that what is read together is one state.

        Raises
        ------
        DatabaseError
            For any driver error, in one line without SQL (see
            :func:`lifecycle.store.failures.explain`).
        """
        try:
            with self._driver_transaction() as database:
                yield database
        except self._errors as exc:
            raise DatabaseError(explain(exc, self.url, wait=self.wait, reading=True)) from None

    @contextmanager
    def _driver_transaction(self) -> Iterator[Database]:
        """One read transaction; the driver's errors go to the caller as they are."""
        if self.backend == "sqlite":
            self.connection.execute("BEGIN")
        try:
            yield Database(self.connection, self.backend)
        finally:
            self.connection.rollback()

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


def open_reading(url: str) -> Reading:
    """Open the lifecycle database at ``url`` for reading only.

    Raises
    ------
    DatabaseError
        For a SQLite URL that is in memory, a folder or a missing file, or a
        lock wait that is not a number.
    NotPlain
        For anything the full opening checks must judge (see the module's docstring).
    """
    try:
        wait = wait_seconds()
    except LifecycleError as exc:
        raise DatabaseError(str(exc)) from None
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme == "sqlite" and not parts.query and not parts.fragment and not parts.netloc:
        name = unquote(parts.path[1:]) if parts.path.startswith("/") else ""
        shown = f"sqlite:///{name}"
        check_sqlite_file(name, None, shown, create=False)
        return _checked(_sqlite(Path(name), wait), "sqlite", shown, wait, (sqlite3.Error,))
    if scheme in {"postgresql", "postgresql+psycopg"} and parts.netloc:
        import psycopg

        target = parts._replace(scheme="postgresql").geturl()
        try:
            connection = psycopg.connect(
                target, connect_timeout=10, options=f"-c lock_timeout={round(wait * 1000)}"
            )
        except psycopg.OperationalError as exc:
            # Unreachable, or the login refused: the full opening would try
            # again and fail the same way, so say it now, as it would.
            raise DatabaseError(f"cannot use database {_shown_postgres(parts)}: {first_line(exc)}") from None
        except psycopg.Error:
            raise NotPlain(url) from None
        # One snapshot for every statement of a read, and nothing written.
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        return _checked(connection, "postgresql", _shown_postgres(parts), wait, (psycopg.Error,))
    raise NotPlain(url)


def _sqlite(path: Path, wait: float) -> sqlite3.Connection:
    try:
        connection = connect_read_only(path, wait)
    except sqlite3.Error:
        raise NotPlain(str(path)) from None
    # lifecycle begins its transactions itself (see Reading.transaction).
    connection.isolation_level = None
    return connection


def _checked(
    connection: Any, backend: str, shown: str, wait: float, errors: tuple[type[BaseException], ...]
) -> Reading:
    reading = Reading(connection, backend, shown, wait, errors)
    try:
        with reading._driver_transaction() as database:
            found = database.rows("SELECT version_num FROM alembic_version")
    except errors as exc:
        if locked(exc):
            # The wait is spent: the full opening would wait again, twice, to say the same.
            reading.close()
            raise DatabaseError(explain(exc, shown, wait=wait, reading=True)) from None
        found = []
    if found != [(HEAD_REVISION,)]:
        reading.close()
        raise NotPlain(shown)
    return reading


def _shown_postgres(parts: Any) -> str:
    # As SQLAlchemy shows a URL: the driver named, the password hidden.
    netloc = parts.netloc
    if parts.password is not None:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.split(':', 1)[0]}:***@{host}"
    query = f"?{parts.query}" if parts.query else ""
    return f"postgresql+psycopg://{netloc}{parts.path}{query}"
