"""Task changes (start, done, block, waive) and evidence for artifacts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from lifecycle.machine import FINISHED_TASK_STATES, TODO, Guard
from lifecycle.store.tables import EvidenceRecord, TaskStatus, utcnow
from lifecycle.tracking.authorize import Permission
from lifecycle.tracking.errors import TrackingError, UnknownName
from lifecycle.tracking.evidence import EVIDENCE_ACTION, evidence_digest
from lifecycle.tracking.unit import Change, Work

__all__ = ["TASK_ACTIONS", "add_evidence", "change_tasks", "check_task_request", "detail", "record_evidence"]

TASK_ACTIONS = ("start", "done", "block", "waive")
"""The task actions, each a trigger of the task machine."""

_VERBS = {"start": "start", "done": "finish", "block": "block", "waive": "waive"}


def detail(power: Permission, note: str | None) -> str:
    """The audit detail of a permitted change: how the actor was allowed, and the note."""
    return f"{power.describe()}; {note}" if note else power.describe()


def check_task_request(action: str, evidence: str | None, no_evidence: bool, reason: str | None) -> None:
    """Refuse a task request that is wrong whatever the partnership's state."""
    if action not in TASK_ACTIONS:
        raise TrackingError(f"unknown task action {action!r} (one of {', '.join(TASK_ACTIONS)})")
    if evidence is not None and action != "done":
        raise TrackingError("evidence is recorded when a task is done")
    if evidence is not None and not evidence.strip():
        raise TrackingError("evidence must not be empty (a short text or a link)")
    if no_evidence and (evidence is not None or action != "done"):
        raise TrackingError("--no-evidence goes with `task done` and without --evidence")
    if no_evidence and not (reason and reason.strip()):
        raise TrackingError("--no-evidence needs --reason: say why the artifact has no evidence yet")


def change_tasks(
    work: Work,
    task_ids: Sequence[str],
    action: str,
    *,
    actor: str,
    note: str | None,
    evidence: str | None,
    reason: str | None,
    no_evidence: bool,
) -> list[Change]:
    """Apply ``action`` to each task in ``work``'s transaction (see
    :meth:`lifecycle.tracking.Tracker.change_tasks`)."""
    workflow = work.workflow
    work.person(actor)
    tasks = workflow.tasks()
    for tid in task_ids:
        if tid not in tasks:
            raise UnknownName("task", tid, tasks, f" in workflow {workflow.id!r}")
        _check_evidence(tid, tasks[tid].produces, action, evidence, no_evidence)
    pid = work.partnership.id
    # Plain (id, state) pairs for the guards; ORM rows only for the tasks that change.
    states = dict(
        work.session.execute(
            select(TaskStatus.task_id, TaskStatus.state).where(TaskStatus.partnership_id == pid)
        ).all()
    )
    row_ids = dict(
        work.session.execute(
            select(TaskStatus.task_id, TaskStatus.id).where(
                TaskStatus.partnership_id == pid, TaskStatus.task_id.in_(task_ids)
            )
        ).all()
    )
    updates: list[dict[str, object]] = []
    changes = []
    for tid in task_ids:
        task = tasks[tid]
        power = work.permit(
            actor,
            [*task.owner, *task.responsible],
            f"{_VERBS[action]} task {tid!r}",
            reason,
            f"task.{action}",
            tid,
        )
        before = states[tid]
        guard = _predecessors_guard(task.after, states)
        after = work.move(
            work.machines.task, f"task {tid!r}", before, action, guard, actor, f"task.{action}", tid
        )
        states[tid] = after
        updates.append(
            {"row": row_ids[tid], "state": after, "note": note, "updated_by": actor, "updated_at": utcnow()}
        )
        unproven = f"no evidence: {reason}" if no_evidence and task.produces else None
        work.log(
            actor,
            f"task.{action}",
            tid,
            before,
            after,
            detail(power, "; ".join(filter(None, [note, unproven]))),
        )
        if evidence is not None:
            for artifact in task.produces:
                reference = add_evidence(work.session, pid, artifact, evidence, actor, tid)
                work.log(actor, EVIDENCE_ACTION, artifact, None, "present", reference)
        changes.append(Change(tid, before, after))
    # One executemany UPDATE by primary key for the whole batch, in Core: the
    # ORM's bulk path costs more per row than the statement itself.
    table = cast(Table, TaskStatus.__table__)
    work.session.execute(update(table).where(table.c.id == bindparam("row")), updates)
    return changes


def record_evidence(work: Work, artifact: str, evidence: str, *, actor: str, reason: str | None) -> None:
    """Record evidence for ``artifact`` in ``work``'s transaction (see
    :meth:`lifecycle.tracking.Tracker.record_evidence`)."""
    workflow = work.workflow
    work.person(actor)
    if artifact not in workflow.artifacts:
        raise UnknownName("artifact", artifact, workflow.artifacts, f" in workflow {workflow.id!r}")
    makers = [
        r for t in workflow.tasks().values() if artifact in t.produces for r in (*t.owner, *t.responsible)
    ]
    power = None
    if makers:
        power = work.permit(
            actor, makers, f"record evidence for {artifact!r}", reason, EVIDENCE_ACTION, artifact
        )
    reference = add_evidence(work.session, work.partnership.id, artifact, evidence, actor, None)
    shown = detail(power, reference) if power else reference
    work.log(actor, EVIDENCE_ACTION, artifact, None, "present", shown)


def _check_evidence(
    tid: str, produces: Sequence[str], action: str, evidence: str | None, no_evidence: bool
) -> None:
    """Refuse to finish a task that produces artifacts without evidence (or an
    explicit ``no_evidence``), and evidence for a task that produces nothing."""
    if action != "done":
        return
    if evidence is not None and not produces:
        raise TrackingError(
            f"task {tid!r} produces no artifact, so its evidence would be kept nowhere "
            "(record evidence for an artifact with `lifecycle gate evidence`)"
        )
    if evidence is None and produces and not no_evidence:
        raise TrackingError(
            f"task {tid!r} produces {', '.join(produces)}: give --evidence (a link or a short text), "
            "or --no-evidence --reason WHY"
        )


def _predecessors_guard(after: Iterable[str], states: dict[str, str]) -> Guard:
    def guard(trigger: str, dest: str) -> list[str]:
        return [
            f"predecessor {tid!r} is {states.get(tid, TODO)}"
            for tid in after
            if states.get(tid, TODO) not in FINISHED_TASK_STATES
        ]

    return guard


def add_evidence(
    session: Session, partnership_id: int, artifact: str, text: str, actor: str, task: str | None
) -> str:
    """Record ``text`` as evidence for ``artifact`` and return the reference the
    audit entry carries for it (``evidence #ID sha256:DIGEST``)."""
    record = EvidenceRecord(
        partnership_id=partnership_id,
        artifact_id=artifact,
        evidence=text,
        task_id=task,
        recorded_by=actor,
        recorded_at=utcnow(),
    )
    session.add(record)
    session.flush()  # the row's id, and the length checks every flush makes
    row_id = record.id
    return f"evidence #{row_id} sha256:{evidence_digest(artifact, task, actor, text)}"
