"""Value lengths checked before anything is written, the same on every backend.

The tables declare their text columns as ``String(n)``. PostgreSQL enforces
``n`` (with an error that quotes the SQL); SQLite stores any length. Checking
in the session before each flush, from the tables' own declarations, gives
one limit and one message everywhere, and nothing reaches the database.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, inspect
from sqlalchemy.orm import Session

from lifecycle.diagnostics import LifecycleError

__all__ = ["TooLong", "check_lengths"]


class TooLong(LifecycleError):
    """A value is longer than its column keeps."""


def check_lengths(session: Session, _context: Any, _instances: Any) -> None:
    """Refuse a flush that would store a text value longer than its column allows.

    A ``before_flush`` listener (see :func:`sqlalchemy.orm.SessionEvents.before_flush`).

    Raises
    ------
    TooLong
        Naming the record, the field, the value's start, its length and the limit.
    """
    for instance in (*session.new, *session.dirty):
        mapper = inspect(instance).mapper
        for column in mapper.columns:
            limit = column.type.length if isinstance(column.type, String) else None
            if limit is None:
                continue
            value = getattr(instance, mapper.get_property_by_column(column).key, None)
            if isinstance(value, str) and len(value) > limit:
                start = value[:24] + ("…" if len(value) > 24 else "")
                raise TooLong(
                    f"too long: {column.table.name}.{column.name} {start!r} has {len(value)} characters, "
                    f"at most {limit} are kept; nothing was written"
                )
