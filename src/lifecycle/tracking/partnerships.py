"""Starting a tracked partnership, and moving it to a new version of its workflow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from lifecycle.machine import COMPLETED, TODO, WAIVED, machines_for
from lifecycle.store.tables import Partnership, TaskStatus, utcnow
from lifecycle.tracking.errors import TrackingError, UnknownName
from lifecycle.tracking.powers import write_powers
from lifecycle.tracking.renames import apply_renames
from lifecycle.tracking.unit import Work, append_audit, check_person
from lifecycle.tracking.workflows import LoadedWorkflow

__all__ = ["rebase", "start_partnership"]


def start_partnership(
    session: Session,
    loaded: LoadedWorkflow,
    name: str,
    start: dt.date,
    end: dt.date,
    *,
    actor: str,
    phase: str | None,
) -> Partnership:
    """Add the partnership in ``session`` (see
    :meth:`lifecycle.tracking.Tracker.start_partnership`)."""
    workflow = loaded.workflow
    check_person(workflow, actor)
    if not name.strip():
        raise TrackingError("a partnership needs a name")
    if end <= start:
        raise TrackingError(f"the contract ends ({end}) before it starts ({start})")
    if not workflow.phases:
        raise TrackingError(f"workflow {workflow.id!r} has no phases to track")
    phase = phase or next(iter(workflow.phases))
    if phase not in workflow.phases:
        raise UnknownName("phase", phase, workflow.phases, f" in workflow {workflow.id!r}")
    earlier: set[str] = set()
    for pid in workflow.phases:
        if pid == phase:
            break
        earlier.update(workflow.phases[pid].tasks)
    if session.scalar(select(Partnership.id).where(Partnership.name == name)) is not None:
        raise TrackingError(f"partnership {name!r} already exists")
    partnership = Partnership(
        name=name,
        workflow_id=workflow.id,
        workflow_path=loaded.path,
        workflow_hash=loaded.hash,
        parties=list(workflow.organizations),
        contract_start=start,
        contract_end=end,
        phase=phase,
        started_phase=phase,
        created_at=utcnow(),
    )
    session.add(partnership)
    session.flush()
    write_powers(session, partnership.id, workflow)
    work = Work(session, partnership, loaded, machines_for(workflow, loaded.hash))
    work.log(actor, "partnership.start", name, None, phase, f"workflow {workflow.id} {loaded.path}")
    for tid in workflow.tasks():
        state = WAIVED if tid in earlier else TODO
        session.add(TaskStatus(partnership_id=partnership.id, task_id=tid, state=state))
        if state == WAIVED:
            work.log(actor, "task.waive", tid, TODO, WAIVED, "before tracking began")
    append_audit(session, work.audit)
    return partnership


def rebase(work: Work, *, actor: str, force: bool, renames: Mapping[str, str]) -> list[str]:
    """Move the partnership to its workflow file's current version in
    ``work``'s transaction (see :meth:`lifecycle.tracking.Tracker.rebase`)."""
    partnership = work.partnership
    workflow = work.workflow
    work.person(actor)
    lines = []
    for moved in apply_renames(work.session, partnership, workflow, renames):
        work.log(actor, f"{moved.kind}.rename", moved.old, moved.old, moved.new, "renamed in the workflow")
        lines.append(f"renamed {moved.kind} {moved.old} -> {moved.new}")
    work.session.flush()
    if partnership.phase != COMPLETED and partnership.phase not in workflow.phases:
        raise TrackingError(
            f"cannot rebase {partnership.name!r}: its current phase {partnership.phase!r} "
            "is gone from the workflow"
        )
    rows = list(work.session.scalars(select(TaskStatus).where(TaskStatus.partnership_id == partnership.id)))
    tasks = workflow.tasks()
    gone = [row for row in rows if row.task_id not in tasks]
    tracked = [f"{row.task_id} ({row.state})" for row in gone if row.state != TODO]
    if tracked and not force:
        raise TrackingError(
            f"cannot rebase {partnership.name!r}: tracked tasks disappeared from the workflow: "
            f"{', '.join(tracked)} (use --rename OLD=NEW when they were renamed, or --force to "
            "drop them; the audit log keeps their history)"
        )
    for row in gone:
        work.session.delete(row)
        work.log(actor, "task.remove", row.task_id, row.state, None, "gone from the workflow")
        lines.append(f"removed task {row.task_id} ({row.state})")
    present = {row.task_id for row in rows}
    for tid in tasks:
        if tid not in present:
            work.session.add(TaskStatus(partnership_id=partnership.id, task_id=tid, state=TODO))
            work.log(actor, "task.add", tid, None, TODO, "new in the workflow")
            lines.append(f"added task {tid}")
    old = partnership.workflow_hash
    partnership.workflow_hash = work.loaded.hash
    partnership.workflow_id = workflow.id
    detail = "forced" if force and tracked else None
    work.log(actor, "partnership.rebase", partnership.name, old[:12], work.loaded.hash[:12], detail)
    write_powers(work.session, partnership.id, workflow)
    return lines
