"""Escalations as a facilitator reads them: at which level, with whom, due
when, overdue or not, and who is next.

Each level has the path's ``response_time`` to respond, counted from when the
escalation reached that level. Business days skip Saturdays and Sundays (public
holidays are not known to lifecycle).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lifecycle.machine import RESOLVED
from lifecycle.roles import carriers
from lifecycle.words import count

if TYPE_CHECKING:
    from lifecycle.model import Workflow
    from lifecycle.store.records import EscalationRecord

__all__ = ["EscalationLine", "due_at", "escalation_lines", "level_of"]

_RESPONSE = re.compile(r"^(?P<n>\d{1,4})\s*(?P<unit>hours?|h|business days?|days?|d|weeks?)$")


def level_of(state: str) -> int:
    """The level (from 1) of an open escalation's state ``level-N``."""
    return int(state.rsplit("-", 1)[1])


def due_at(since: dt.datetime, response_time: str) -> dt.datetime:
    """When a level reached at ``since`` must have responded, given a
    ``response_time`` such as ``"2 business days"`` or ``"24 hours"``.

    Examples
    --------
    >>> friday = dt.datetime(2026, 3, 6, 15, 0, tzinfo=dt.UTC)
    >>> due_at(friday, "2 business days").isoformat()
    '2026-03-10T15:00:00+00:00'
    >>> due_at(friday, "24 hours").isoformat()
    '2026-03-07T15:00:00+00:00'
    """
    match = _RESPONSE.match(response_time.strip())
    if match is None:
        raise ValueError(f"not a response time: {response_time!r}")
    n, unit = int(match["n"]), match["unit"]
    if unit.startswith("business"):
        day = since
        left = n
        while left:
            day += dt.timedelta(days=1)
            if day.weekday() < 5:
                left -= 1
        return day
    if unit.startswith("h"):
        return since + dt.timedelta(hours=n)
    if unit.startswith("w"):
        return since + dt.timedelta(weeks=n)
    return since + dt.timedelta(days=n)


@dataclass(frozen=True)
class EscalationLine:
    """One escalation as ``escalate list`` and ``status`` show it."""

    number: int
    path: str
    subject: str
    state: str
    level: int | None
    """The current level (from 1), None once resolved."""
    with_: str | None
    """The role (or person) at the current level."""
    people: list[str]
    """Who can act for that level: its holders first, then its backups."""
    due: dt.datetime | None
    """When the current level must respond (None: no response time, or resolved)."""
    next: str | None
    """The role (or person) at the next level, None at the top."""
    next_people: list[str]
    """Who can act for the next level, holders first."""
    overdue: dt.timedelta | None
    """How long past due, as of the time asked about; None when not overdue."""

    def describe_due(self) -> str:
        """ "overdue by 1 day 3 h", "due 2026-03-10 15:00" or "-"."""
        if self.overdue is not None:
            return f"overdue by {_span(self.overdue)}"
        return f"due {self.due:%Y-%m-%d %H:%M}" if self.due else "-"

    def describe_with(self) -> str:
        """The role at the current level and who can take it, e.g. ``"cbo-pm (mgo)"``."""
        return _who(self.with_, self.people) if self.with_ else "-"

    def describe_next(self) -> str:
        """Who the escalation goes to next, with the people who can take it."""
        if self.level is None:
            return "-"
        if self.next is None:
            return "top level"
        return _who(self.next, self.next_people)


def escalation_lines(
    workflow: Workflow, rows: Iterable[EscalationRecord], now: dt.datetime
) -> list[EscalationLine]:
    """The escalations ``rows`` of a partnership following ``workflow``, as of ``now``."""
    lines = []
    for row in rows:
        path = workflow.escalations.get(row.path_id)
        levels = path.levels if path else []
        if row.state == RESOLVED or not levels:
            lines.append(
                EscalationLine(
                    row.id, row.path_id, row.subject, row.state, None, None, [], None, None, [], None
                )
            )
            continue
        level = level_of(row.state)
        actor = levels[level - 1]
        upper = levels[level] if level < len(levels) else None
        since = _aware(row.level_since or row.updated_at)
        due = due_at(since, path.response_time) if path and path.response_time else None
        overdue = now - due if due is not None and now > due else None
        lines.append(
            EscalationLine(
                row.id,
                row.path_id,
                row.subject,
                row.state,
                level,
                actor,
                _people(workflow, actor),
                due,
                upper,
                _people(workflow, upper) if upper else [],
                overdue,
            )
        )
    return lines


def _people(workflow: Workflow, actor: str) -> list[str]:
    """Who can act for ``actor``: the holders (or the person), then the backups."""
    role = workflow.roles.get(actor)
    holders = [h for h in role.held_by if h in workflow.people] if role else [actor]
    return holders + sorted(carriers(workflow, actor) - set(holders))


def _who(actor: str, people: list[str]) -> str:
    return (
        f"{actor} ({', '.join(people[:3])}{', ...' if len(people) > 3 else ''})"
        if people
        else f"{actor} (nobody)"
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; lifecycle stores UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _span(delta: dt.timedelta) -> str:
    days, hours = delta.days, delta.seconds // 3600
    parts = [count(days, "day")] if days else []
    if hours or not days:
        parts.append(f"{hours} h")
    return " ".join(parts)
