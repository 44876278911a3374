"""What a database failure after opening means to the person at the keyboard.

:func:`explain` turns a driver's error (``sqlite3``, ``psycopg``), or a
SQLAlchemy error wrapping one, into one :class:`~lifecycle.store.DatabaseError`
line that names the database and says what to do: the one mapping for both
ways into a database (:mod:`lifecycle.store.engine`,
:mod:`lifecycle.store.reading`), which imports neither SQLAlchemy nor a
driver. It never repeats SQL text or parameters: those belong to the
program, and parameters may hold what a member must not see on a shared screen.
"""

from __future__ import annotations

import math
import os

from lifecycle.diagnostics import LifecycleError

__all__ = [
    "DEFAULT_WAIT",
    "WAIT_VAR",
    "damaged",
    "explain",
    "first_line",
    "locked",
    "read_only",
    "wait_seconds",
]

WAIT_VAR = "LIFECYCLE_DB_WAIT"
"""The environment variable that sets how long to wait for a lock, in seconds."""

DEFAULT_WAIT = 30.0
"""Seconds a command waits for another process's lock before it gives up."""

# PostgreSQL SQLSTATE codes (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_PG_LOCKED = {"55P03", "40P01", "40001"}
_PG_CANCELED = "57014"
"""A statement timeout ran out, or an administrator canceled the statement."""
_PG_READ_ONLY = {"25006"}
_PG_FULL = {"53100", "53200"}
_PG_CORRUPT = {"XX001", "XX002"}
_PG_TOO_LONG = {"22001"}


def wait_seconds() -> float:
    """The lock wait from ``$LIFECYCLE_DB_WAIT`` (default :data:`DEFAULT_WAIT`).

    Raises
    ------
    LifecycleError
        When the variable is not a finite number of seconds, zero or more.
    """
    raw = os.environ.get(WAIT_VAR, "").strip()
    if not raw:
        return DEFAULT_WAIT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise LifecycleError(f"{WAIT_VAR}={raw!r} is not a number of seconds (e.g. {WAIT_VAR}=120)")
    return seconds


def read_only(url: str) -> str:
    """The refusal of a write to a database that can only be read."""
    check = "the login's privileges" if url.startswith("postgresql") else "the file's permissions"
    return f"database {url} is read-only: reads work, writes are refused; check {check}"


def _driver_error(exc: BaseException) -> tuple[BaseException, str, str]:
    """The driver's error under ``exc`` (SQLAlchemy wraps it as ``orig``), its
    PostgreSQL SQLSTATE ("" for SQLite) and its message in lower case."""
    original = getattr(exc, "orig", None) or exc
    return original, getattr(original, "sqlstate", None) or "", str(original).lower()


def locked(exc: BaseException) -> bool:
    """Whether ``exc`` (a driver's error, or SQLAlchemy's around one) is a lock
    wait that ran out: another process holds what was asked for."""
    _, code, text = _driver_error(exc)
    return code in _PG_LOCKED or "database is locked" in text or "database is busy" in text


def explain(exc: BaseException, url: str, *, wait: float, reading: bool = False) -> str:
    """One line for ``exc`` on the database shown as ``url``: what happened, what to do.

    Parameters
    ----------
    exc
        The driver's error, or the error SQLAlchemy raised (its ``orig`` is the driver's).
    url
        The database as shown to users (no password).
    wait
        The lock wait in force, in seconds, to report how long was waited.
    reading
        Whether the failed work only read: the line then does not say that
        nothing was written, which a reader never meant to do.
    """
    original, code, text = _driver_error(exc)
    unwritten = "" if reading else "; nothing was written"
    if code == _PG_CANCELED:
        return (
            f"database {url}: the server canceled the statement (a statement_timeout set on the "
            f"server or the login ran out, or an administrator canceled it){unwritten}"
        )
    if locked(exc):
        return (
            f"database {url} is locked by another process: gave up after waiting {wait:g} s "
            f"(set {WAIT_VAR}=SECONDS to wait longer){unwritten}"
        )
    if code in _PG_READ_ONLY or "readonly" in text or "read-only" in text:
        return read_only(url)
    if code in _PG_FULL or "disk is full" in text or "disk full" in text:
        full = "is full" if reading else "is full: nothing was written"
        return f"the disk holding database {url} {full}; free space, then run it again"
    if code in _PG_CORRUPT or "malformed" in text or "not a database" in text or "corrupt" in text:
        return damaged(url, "it cannot be read", reading=reading)
    if code in _PG_TOO_LONG:
        return f"database {url} refused a value that is too long for it; nothing was written"
    if _is_integrity_error(original):
        return (
            f"database {url}: another process wrote the same record at the same moment, so it already "
            "exists; nothing was written: run the command again to see where things stand"
        )
    lost = any(
        words in text
        for words in ("server closed the connection", "connection is closed", "connection is lost")
    )
    if code.startswith(("08", "57P")) or lost:
        return f"lost the connection to database {url}: check that the server is running, then run it again"
    return f"database {url} failed: {first_line(exc)}{unwritten}"


def first_line(exc: BaseException) -> str:
    """The first line of the driver's message for ``exc`` (or of ``exc``'s own)."""
    original, _, _ = _driver_error(exc)
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return lines[0] if lines else type(original).__name__


def _is_integrity_error(error: BaseException) -> bool:
    # PEP 249 names the class the same in every driver (sqlite3, psycopg), and
    # SQLAlchemy wraps it; matching by name keeps the drivers unimported.
    return any(cls.__name__ == "IntegrityError" for cls in type(error).__mro__)


def damaged(url: str, why: str, *, reading: bool = False) -> str:
    """The refusal to use a database whose file is damaged (``reading``: by a
    command that only read, which need not say that nothing was written)."""
    unwritten = "" if reading else ": nothing was written"
    return (
        f"database {url} is damaged ({why}){unwritten}; "
        "restore it from a backup (`sqlite3 FILE .recover` can salvage a copy)"
    )
