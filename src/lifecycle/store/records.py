"""The tracking tables' rows as plain, frozen records, for code that only reads.

Each record's fields are the columns of its table (:mod:`lifecycle.store.tables`)
by the same names, so what reads a row works on a record and on an ORM object
alike. The field types say how a driver's value is read back
(:meth:`lifecycle.store.reading.Database.record`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["AuditRecord", "EscalationRecord", "JourneyRecord", "PartnershipRecord", "utcnow"]


def utcnow() -> dt.datetime:
    """The current time in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class PartnershipRecord:
    """A tracked partnership (table ``partnerships``)."""

    id: int
    name: str
    workflow_id: str
    workflow_path: str
    workflow_hash: str
    """SHA-256 of the workflow file's bytes when the partnership started (or was rebased)."""
    parties: list[str]
    contract_start: dt.date
    contract_end: dt.date
    phase: str
    started_phase: str | None
    """The phase tracking began at: the gates before it are not tracked."""
    created_at: dt.datetime
    version: int


@dataclass(frozen=True)
class AuditRecord:
    """One audit entry (table ``audit_log``): who, when, what, from, to."""

    id: int
    partnership_id: int
    at: dt.datetime
    actor: str
    action: str
    subject: str
    from_state: str | None
    to_state: str | None
    outcome: str
    detail: str | None
    prev_hash: str | None
    hash: str | None


@dataclass(frozen=True)
class EscalationRecord:
    """An issue raised along an escalation path (table ``escalations``)."""

    id: int
    partnership_id: int
    path_id: str
    subject: str
    state: str
    opened_by: str
    opened_at: dt.datetime
    updated_at: dt.datetime
    level_since: dt.datetime | None
    """When the escalation reached its current level."""


@dataclass(frozen=True)
class JourneyRecord:
    """One member's episode of a journey (table ``journey_instances``)."""

    id: int
    partnership_id: int
    journey_id: str
    member_key: str
    episode: int
    step: str
    started_at: dt.datetime
    updated_at: dt.datetime
