"""A partnership's status: where it is, what is done, what blocks, what is due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lifecycle.machine import COMPLETED, FINISHED_TASK_STATES
from lifecycle.model import Milestone, Workflow
from lifecycle.store.tables import AuditEntry, Escalation, Partnership
from lifecycle.tracking.gates import GateReport, evaluate_gate
from lifecycle.tracking.service import Tracker

__all__ = ["Deadline", "Status", "TaskLine", "partnership_status"]


@dataclass(frozen=True)
class TaskLine:
    """One task as the status shows it."""

    phase: str
    id: str
    title: str
    state: str
    waiting_on: list[str]
    """Unfinished predecessors."""


@dataclass(frozen=True)
class Deadline:
    """A task's deadline relative to the contract (or launch)."""

    task: str
    due: str
    """As the workflow says it: "120 days before contract end"."""
    date: dt.date | None
    """None while the anchor (launch) has not happened."""
    state: str

    def describe(self, today: dt.date) -> str:
        """ "done", "overdue by N days", "in N days" or "after launch"."""
        if self.state in FINISHED_TASK_STATES:
            return self.state
        if self.date is None:
            return "once launched"
        days = (self.date - today).days
        return f"overdue by {-days} days" if days < 0 else f"in {days} days"


@dataclass(frozen=True)
class Status:
    """Everything ``lifecycle status`` shows."""

    partnership: Partnership
    workflow: Workflow
    workflow_changed: bool
    phase_title: str
    tasks: list[TaskLine]
    gates: list[GateReport]
    blockers: list[str]
    deadlines: list[Deadline]
    open_escalations: int


def partnership_status(tracker: Tracker, name: str) -> Status:
    """Build the status of partnership ``name``."""
    partnership, progress = tracker.progress(name)
    loaded = tracker.workflow_of(partnership)
    workflow = loaded.workflow
    states = progress.tasks
    tasks = []
    for pid, phase in workflow.phases.items():
        for tid, task in phase.tasks.items():
            state = states.get(tid, "todo")
            waiting = [p for p in task.after if states.get(p, "todo") not in FINISHED_TASK_STATES]
            tasks.append(TaskLine(pid, tid, task.title, state, waiting if state == "todo" else []))
    gates = [evaluate_gate(workflow, pid, progress) for pid, p in workflow.phases.items() if p.exit_gate]
    blockers = [f"task {t.id} is blocked" for t in tasks if t.state == "blocked"]
    blockers += [
        f"gate {g.phase}: {reason}" for g in gates if g.phase == partnership.phase for reason in g.reasons()
    ]
    with tracker.store.transaction() as session:
        launched = _launch_date(session, partnership, workflow)
        open_escalations = len(
            session.scalars(
                select(Escalation.id).where(
                    Escalation.partnership_id == partnership.id, Escalation.state != "resolved"
                )
            ).all()
        )
    deadlines = []
    for tid, task in workflow.tasks().items():
        due = task.deadline
        if due is None:
            continue
        date = due.date_from(
            {
                Milestone.CONTRACT_START: partnership.contract_start,
                Milestone.CONTRACT_END: partnership.contract_end,
                Milestone.LAUNCH: launched,
            }
        )
        deadlines.append(Deadline(tid, str(task.due), date, states.get(tid, "todo")))
    # Soonest first; deadlines anchored on a launch that has not happened go last.
    deadlines.sort(key=lambda d: (d.date is None, d.date or dt.date.max))
    current = workflow.phases.get(partnership.phase)
    phase_title = current.title if current else partnership.phase
    if partnership.phase == COMPLETED:
        phase_title = "All phases completed"
    return Status(
        partnership,
        workflow,
        loaded.hash != partnership.workflow_hash,
        phase_title,
        tasks,
        gates,
        blockers,
        deadlines,
        open_escalations,
    )


def _launch_date(session: Session, partnership: Partnership, workflow: Workflow) -> dt.date | None:
    """The day the partnership passed its launch gate, from the audit log."""
    launch_phases = [pid for pid, p in workflow.phases.items() if p.exit_gate and p.exit_gate.launch]
    if not launch_phases:
        return None
    at = session.scalar(
        select(AuditEntry.at).where(
            AuditEntry.partnership_id == partnership.id,
            AuditEntry.action == "advance",
            AuditEntry.outcome == "ok",
            AuditEntry.from_state.in_(launch_phases),
        )
    )
    return at.date() if at else None
