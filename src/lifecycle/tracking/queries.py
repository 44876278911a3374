"""Read-only questions about tracked partnerships, each written once in SQL.

Every question runs on a :class:`~lifecycle.store.reading.Database`, inside the
caller's transaction: a read-only connection of the commands that only read
(:mod:`lifecycle.tracking.reads`), or the connection of a write's session
(:func:`lifecycle.tracking.unit.database_of`), so a write reads what it decides
on the same way a view shows it. Rows come back as the plain records of
:mod:`lifecycle.store.records`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from lifecycle.machine import COMPLETED
from lifecycle.store.reading import Database, columns
from lifecycle.store.records import AuditRecord, EscalationRecord, JourneyRecord, PartnershipRecord
from lifecycle.tracking.errors import TrackingError, UnknownName
from lifecycle.tracking.gates import Progress, SignoffFact

if TYPE_CHECKING:
    from lifecycle.model import Workflow

__all__ = [
    "audit_trail",
    "escalations",
    "evidence_texts",
    "find_partnership",
    "gate_phase",
    "journeys",
    "launch_date",
    "partnerships",
    "progress",
]


class _Placed(Protocol):
    """What these questions read of a partnership (a record, or the ORM object of a write)."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def phase(self) -> str: ...
    @property
    def started_phase(self) -> str | None: ...


@dataclass(frozen=True)
class _SignoffRow:
    gate_id: str
    role_id: str
    person_id: str
    evidence: str
    signed_at: dt.datetime
    ready_for: list[str] | None
    through_role: str | None


@dataclass(frozen=True)
class _Advance:
    at: dt.datetime
    from_state: str | None


_PARTNERSHIP = f"SELECT {columns(PartnershipRecord)} FROM partnerships"


def partnerships(db: Database) -> list[PartnershipRecord]:
    """Every tracked partnership, by name."""
    return db.records(PartnershipRecord, f"{_PARTNERSHIP} ORDER BY name")


def find_partnership(db: Database, name: str, where: str) -> PartnershipRecord:
    """The partnership called ``name``, or an error that lists the known ones
    (``where`` names the database, e.g. ``" in sqlite:///x.db"``)."""
    found = db.records(PartnershipRecord, f"{_PARTNERSHIP} WHERE name = :name", name=name)
    if not found:
        names = [str(known) for (known,) in db.rows("SELECT name FROM partnerships")]
        raise UnknownName("partnership", name, names, where)
    return found[0]


def progress(db: Database, partnership: _Placed) -> Progress:
    """The partnership's task states, evidence and sign-offs."""
    pid = partnership.id
    rows = db.rows("SELECT task_id, state FROM task_status WHERE partnership_id = :pid", pid=pid)
    tasks = {str(task): str(state) for task, state in rows}
    evidence: dict[str, list[str]] = {}
    for artifact, text in db.rows(
        "SELECT artifact_id, evidence FROM evidence WHERE partnership_id = :pid ORDER BY id", pid=pid
    ):
        evidence.setdefault(artifact, []).append(text)
    signoffs: dict[str, list[SignoffFact]] = {}
    for row in db.records(
        _SignoffRow,
        f"SELECT {columns(_SignoffRow)} FROM signoffs WHERE partnership_id = :pid ORDER BY id",
        pid=pid,
    ):
        fact = SignoffFact(
            row.role_id,
            row.person_id,
            row.evidence,
            row.signed_at.isoformat(timespec="minutes"),
            None if row.ready_for is None else tuple(row.ready_for),
            row.through_role,
        )
        signoffs.setdefault(row.gate_id, []).append(fact)
    return Progress(tasks, evidence, signoffs, partnership.started_phase)


def gate_phase(workflow: Workflow, partnership: _Placed, phase: str | None) -> str:
    """The phase whose exit gate is meant: ``phase``, else the current one."""
    phase = phase or partnership.phase
    if phase == COMPLETED:
        raise TrackingError(f"partnership {partnership.name!r} has completed every phase")
    if phase not in workflow.phases:
        raise UnknownName("gate (phase)", phase, workflow.phases, f" in workflow {workflow.id!r}")
    return phase


def audit_trail(
    db: Database,
    partnership: _Placed,
    *,
    actor: str | None = None,
    action: str | None = None,
    subject: str | None = None,
    since: dt.datetime | None = None,
) -> list[AuditRecord]:
    """The audit trail, oldest first, filtered by actor, action (a prefix such
    as ``task`` or ``task.done``), subject and time."""
    sql = f"SELECT {columns(AuditRecord)} FROM audit_log WHERE partnership_id = :pid"
    params: dict[str, object] = {"pid": partnership.id}
    if actor:
        sql += " AND actor = :actor"
        params["actor"] = actor
    if action:
        sql += " AND (action = :action OR action LIKE :family ESCAPE '/')"
        params.update(action=action, family=_escaped(action) + ".%")
    if subject:
        sql += " AND subject = :subject"
        params["subject"] = subject
    if since:
        sql += " AND at >= :since"
        params["since"] = since
    return db.records(AuditRecord, f"{sql} ORDER BY id", **params)


def launch_date(db: Database, partnership: _Placed, launch_phases: Sequence[str]) -> dt.date | None:
    """The day the partnership passed a launch gate (the exit gate of one of
    ``launch_phases``), from the audit log; None before then."""
    if not launch_phases:
        return None
    rows = db.records(
        _Advance,
        "SELECT at, from_state FROM audit_log WHERE partnership_id = :pid AND action = 'advance' "
        "AND outcome = 'ok' ORDER BY id",
        pid=partnership.id,
    )
    return next((row.at.date() for row in rows if row.from_state in launch_phases), None)


def escalations(db: Database, partnership: _Placed) -> list[EscalationRecord]:
    """The partnership's escalations, open and resolved."""
    return db.records(
        EscalationRecord,
        f"SELECT {columns(EscalationRecord)} FROM escalations WHERE partnership_id = :pid ORDER BY id",
        pid=partnership.id,
    )


def journeys(db: Database, partnership: _Placed) -> list[JourneyRecord]:
    """The partnership's member journeys, every episode."""
    return db.records(
        JourneyRecord,
        f"SELECT {columns(JourneyRecord)} FROM journey_instances WHERE partnership_id = :pid ORDER BY id",
        pid=partnership.id,
    )


def evidence_texts(db: Database, partnership: _Placed) -> dict[int, str]:
    """The partnership's evidence texts by row id, to show in its audit trail."""
    rows = db.rows("SELECT id, evidence FROM evidence WHERE partnership_id = :pid", pid=partnership.id)
    return {int(row_id): str(text) for row_id, text in rows}


def _escaped(text: str) -> str:
    """``text`` matched literally by ``LIKE ... ESCAPE '/'``."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")
