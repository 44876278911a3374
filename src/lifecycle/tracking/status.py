"""A partnership's status: where it is, what is done, what blocks, what is due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lifecycle.machine import BLOCKED, COMPLETED, FINISHED_TASK_STATES, TODO
from lifecycle.model import Milestone
from lifecycle.store.reading import Database
from lifecycle.store.records import PartnershipRecord, utcnow
from lifecycle.tracking import queries
from lifecycle.tracking.escalation_lines import EscalationLine, escalation_lines
from lifecycle.tracking.gates import GateReport, evaluate_gate
from lifecycle.tracking.reads import Reads

if TYPE_CHECKING:
    from lifecycle.model import Workflow

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
    """None while its milestone has no date: launch before the launch gate is
    passed; partner identified and contract signed always, as they are not recorded."""
    state: str
    milestone: Milestone | None = None
    """The milestone the deadline counts from (None for a fixed date)."""

    def describe(self, today: dt.date) -> str:
        """ "done", "overdue by N days", "in N days", "once launched", or that
        its milestone is not recorded."""
        if self.state in FINISHED_TASK_STATES:
            return self.state
        if self.date is None:
            if self.milestone is Milestone.LAUNCH:
                return "once launched"
            return f"no date ('{self.milestone}' is not recorded)"
        days = (self.date - today).days
        return f"overdue by {-days} days" if days < 0 else f"in {days} days"


@dataclass(frozen=True)
class Status:
    """Everything ``lifecycle status`` shows."""

    partnership: PartnershipRecord
    workflow: Workflow
    workflow_changed: bool
    phase_title: str
    tasks: list[TaskLine]
    gates: list[GateReport]
    blockers: list[str]
    deadlines: list[Deadline]
    escalations: list[EscalationLine]
    """The open escalations, overdue ones first."""


def partnership_status(reads: Reads, name: str, now: dt.datetime | None = None) -> Status:
    """Build the status of partnership ``name`` as of ``now`` (by default the
    current time), read in one transaction (``reads``: a
    :class:`~lifecycle.tracking.Tracker` or a read-only
    :func:`~lifecycle.tracking.reads.open_reader`)."""

    def view(db: Database, partnership: PartnershipRecord) -> Status:
        loaded = reads.workflow_of(partnership)
        return _status(db, partnership, loaded.workflow, loaded.hash, now or utcnow())

    return reads.read(name, view)


def _status(
    db: Database, partnership: PartnershipRecord, workflow: Workflow, file_hash: str, now: dt.datetime
) -> Status:
    progress = queries.progress(db, partnership)
    states = progress.tasks
    tasks = []
    for pid, phase in workflow.phases.items():
        for tid, task in phase.tasks.items():
            state = states.get(tid, TODO)
            waiting = [p for p in task.after if states.get(p, TODO) not in FINISHED_TASK_STATES]
            tasks.append(TaskLine(pid, tid, task.title, state, waiting if state == TODO else []))
    gates = [evaluate_gate(workflow, pid, progress) for pid, p in workflow.phases.items() if p.exit_gate]
    blockers = [f"task {t.id} is blocked" for t in tasks if t.state == BLOCKED]
    blockers += [
        f"gate {g.phase}: {reason}" for g in gates if g.phase == partnership.phase for reason in g.reasons()
    ]
    launch_phases = [pid for pid, p in workflow.phases.items() if p.exit_gate and p.exit_gate.launch]
    launched = queries.launch_date(db, partnership, launch_phases)
    escalations = [
        e
        for e in escalation_lines(workflow, queries.escalations(db, partnership), now)
        if e.level is not None
    ]
    escalations.sort(key=lambda e: (e.overdue is None, e.due or dt.datetime.max.replace(tzinfo=dt.UTC)))
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
        deadlines.append(Deadline(tid, str(task.due), date, states.get(tid, TODO), due.anchor))
    # Soonest first; deadlines anchored on a launch that has not happened go last.
    deadlines.sort(key=lambda d: (d.date is None, d.date or dt.date.max))
    current = workflow.phases.get(partnership.phase)
    phase_title = current.title if current else partnership.phase
    if partnership.phase == COMPLETED:
        phase_title = "All phases completed"
    return Status(
        partnership,
        workflow,
        file_hash != partnership.workflow_hash,
        phase_title,
        tasks,
        gates,
        blockers,
        deadlines,
        escalations,
    )
