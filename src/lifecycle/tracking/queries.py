"""Read-only questions about a partnership, each answered inside the caller's
session: its progress, its gate phases, its audit trail, its journeys and
escalations."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from lifecycle.machine import COMPLETED
from lifecycle.store.tables import (
    AuditEntry,
    Escalation,
    EvidenceRecord,
    JourneyInstance,
    Partnership,
    Signoff,
    TaskStatus,
)
from lifecycle.tracking.errors import TrackingError, UnknownName
from lifecycle.tracking.gates import Progress, SignoffFact

if TYPE_CHECKING:
    from lifecycle.model import Workflow

__all__ = ["audit_trail", "escalations", "gate_phase", "journeys", "progress"]


def progress(session: Session, partnership: Partnership) -> Progress:
    """The partnership's task states, evidence and sign-offs."""
    pid = partnership.id
    rows = session.execute(
        select(TaskStatus.task_id, TaskStatus.state).where(TaskStatus.partnership_id == pid)
    )
    tasks = {task_id: state for task_id, state in rows}
    evidence: dict[str, list[str]] = {}
    for artifact, text in session.execute(
        select(EvidenceRecord.artifact_id, EvidenceRecord.evidence)
        .where(EvidenceRecord.partnership_id == pid)
        .order_by(EvidenceRecord.id)
    ):
        evidence.setdefault(artifact, []).append(text)
    signoffs: dict[str, list[SignoffFact]] = {}
    for row in session.scalars(select(Signoff).where(Signoff.partnership_id == pid).order_by(Signoff.id)):
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


def gate_phase(workflow: Workflow, partnership: Partnership, phase: str | None) -> str:
    """The phase whose exit gate is meant: ``phase``, else the current one."""
    phase = phase or partnership.phase
    if phase == COMPLETED:
        raise TrackingError(f"partnership {partnership.name!r} has completed every phase")
    if phase not in workflow.phases:
        raise UnknownName("gate (phase)", phase, workflow.phases, f" in workflow {workflow.id!r}")
    return phase


def audit_trail(
    session: Session,
    partnership: Partnership,
    *,
    actor: str | None = None,
    action: str | None = None,
    subject: str | None = None,
    since: dt.datetime | None = None,
) -> list[AuditEntry]:
    """The audit trail, oldest first, filtered by actor, action (a prefix such
    as ``task`` or ``task.done``), subject and time."""
    query = select(AuditEntry).where(AuditEntry.partnership_id == partnership.id)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(
            (AuditEntry.action == action) | AuditEntry.action.startswith(action + ".", autoescape=True)
        )
    if subject:
        query = query.where(AuditEntry.subject == subject)
    if since:
        query = query.where(AuditEntry.at >= since)
    return list(session.scalars(query.order_by(AuditEntry.id)))


def escalations(session: Session, partnership: Partnership) -> list[Escalation]:
    """The partnership's escalations, open and resolved."""
    query = select(Escalation).where(Escalation.partnership_id == partnership.id)
    return list(session.scalars(query.order_by(Escalation.id)))


def journeys(session: Session, partnership: Partnership) -> list[JourneyInstance]:
    """The partnership's member journeys, every episode."""
    query = select(JourneyInstance).where(JourneyInstance.partnership_id == partnership.id)
    return list(session.scalars(query.order_by(JourneyInstance.id)))
