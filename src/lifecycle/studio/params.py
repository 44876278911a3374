"""Query parameters, checked before anything reads them: known names only, each
at most 1024 characters, no NUL, repeated only where the address allows it."""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException
from starlette.requests import Request

__all__ = ["checked_params", "first", "flag", "targets"]

_MAX_VALUE = 1024
_MAX_REPEATS = 50
_TARGET = re.compile(r"(person|role):[^:\s]+")


def checked_params(request: Request, allowed: dict[str, bool]) -> dict[str, list[str]]:
    """The query parameters, each checked: known, not too long, repeated only if
    ``allowed`` says so (name -> repeatable)."""
    found: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        if key not in allowed:
            raise HTTPException(
                400, f"unknown parameter {key!r} (this address takes: {', '.join(allowed) or 'none'})"
            )
        if len(value) > _MAX_VALUE:
            raise HTTPException(400, f"parameter {key!r} is too long")
        if "\x00" in value:
            raise HTTPException(400, f"parameter {key!r} holds a NUL character")
        found.setdefault(key, []).append(value)
        if len(found[key]) > (_MAX_REPEATS if allowed[key] else 1):
            raise HTTPException(400, f"parameter {key!r} is given too often")
    return found


def first(params: dict[str, list[str]], key: str) -> str | None:
    """The value of ``key``, or None when it is not given."""
    values = params.get(key)
    return values[0] if values else None


def flag(params: dict[str, list[str]], key: str) -> bool:
    """``key`` as a yes/no flag: 1 or true, 0, false or empty; anything else is a 400."""
    value = first(params, key)
    if value in (None, "", "0", "false"):
        return False
    if value in ("1", "true"):
        return True
    raise HTTPException(400, f"parameter {key!r} must be 1 or 0")


def targets(params: dict[str, list[str]]) -> tuple[str, ...]:
    """The people and roles to take out (``without=person:ID``, ``without=role:ID``).

    Raises
    ------
    HTTPException
        400 for a value of any other shape.
    """
    found = tuple(params.get("without", []))
    for target in found:
        if not _TARGET.fullmatch(target):
            raise HTTPException(400, f"without={target!r}: write person:ID or role:ID")
    return found
