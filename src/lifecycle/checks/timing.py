"""Time and order: the lifecycle's phases, deadlines, recurring work and the
order tasks wait for each other in.

The seed: "Establishing a shared vision for the health care—CCH/CBO partnership
is a critical first step", and "Contract renewal discussions will ideally begin
months before the end of the contract term."
"""

from __future__ import annotations

from collections.abc import Iterator

from lifecycle.checks.facts import Facts
from lifecycle.checks.registry import Finding, rule
from lifecycle.diagnostics import Severity
from lifecycle.model import Milestone, PhaseKind

__all__: list[str] = []

_FIRST_PHASES = frozenset({PhaseKind.EXPLORATION, PhaseKind.SHARED_VISION})
_ENDED_BY_LAUNCH = frozenset(
    {PhaseKind.EXPLORATION, PhaseKind.SHARED_VISION, PhaseKind.SCOPING, PhaseKind.PRE_LAUNCH}
)
RENEWAL_LEAD_DAYS = 60
"""How far before the contract ends renewal must have begun: "months" is read as
at least two months."""


@rule(
    "GAP012",
    "missing-vision-phase",
    Severity.WARNING,
    hint="add a phase of kind exploration or shared-vision before scoping",
)
def missing_vision_phase(facts: Facts) -> Iterator[Finding]:
    """Scoping begins with no preliminary exploration or shared-vision phase before it."""
    for pid, phase in facts.workflow.phases.items():
        if phase.kind in _FIRST_PHASES:
            return
        if phase.kind is PhaseKind.SCOPING:
            yield Finding(
                ("phases", pid),
                f"scoping phase {pid!r} has no exploration or shared-vision phase before it",
                pid,
            )
            return


@rule(
    "GAP014",
    "due-against-order",
    Severity.ERROR,
    hint="move one of the due dates, or drop the after: that contradicts them",
)
def due_against_order(facts: Facts) -> Iterator[Finding]:
    """A task is due before a task it comes after."""
    tasks = facts.tasks
    for tid, task in tasks.items():
        due = task.deadline
        if due is None:
            continue
        for index, before in enumerate(task.after):
            earlier = tasks.get(before)
            other = earlier.deadline if earlier is not None else None
            if other is not None and due.surely_before(other):
                yield Finding(
                    (*facts.task_path(tid), "due"),
                    f"task {tid!r} is due {due}, before {before!r} (due {other}), which it comes after "
                    f"(after: item {index + 1})",
                    tid,
                )


@rule(
    "GAP015",
    "renewal-starts-late",
    Severity.WARNING,
    hint="give the first renewal discussion a due date such as '120 days before contract end'",
)
def renewal_starts_late(facts: Facts) -> Iterator[Finding]:
    """A renewal phase has no task due months before the contract ends."""
    for pid, phase in facts.workflow.phases.items():
        if phase.kind is not PhaseKind.RENEWAL:
            continue
        early = [
            task
            for task in phase.tasks.values()
            if (due := task.deadline) is not None
            and due.anchor is Milestone.CONTRACT_END
            and due.year is None
            and -due.days >= RENEWAL_LEAD_DAYS
        ]
        if not early:
            yield Finding(
                ("phases", pid),
                f"renewal phase {pid!r} has no task due at least two months before contract end",
                pid,
            )


@rule(
    "GAP016",
    "recurrence-impossible",
    Severity.ERROR,
    hint="move the recurring task to the implementation phase (or renewal); keep a one-off first "
    "occurrence before launch if it is a readiness item",
)
def recurrence_impossible(facts: Facts) -> Iterator[Finding]:
    """A recurring task cannot come round again."""
    for tid, task in facts.tasks.items():
        if task.repeats is None:
            continue
        pid = facts.phase_of[tid]
        phase = facts.workflow.phases[pid]
        path = (*facts.task_path(tid), "repeats")
        if phase.kind in _ENDED_BY_LAUNCH:
            yield Finding(
                path,
                f"task {tid!r} repeats {task.repeats.value} but belongs to the {phase.kind.value} phase "
                f"{pid!r}, which closes at its gate and never comes round again",
                tid,
            )
        elif (due := task.deadline) is not None and due.on is not None:
            yield Finding(
                path,
                f"task {tid!r} repeats {task.repeats.value} but is due on one fixed date, {due}",
                tid,
                "anchor its first due date on a milestone, e.g. 'at end of year 1'",
            )


@rule(
    "GAP017",
    "after-later-phase",
    Severity.ERROR,
    hint="move one of the tasks, or say the phases overlap (overlaps: on the earlier phase)",
)
def after_later_phase(facts: Facts) -> Iterator[Finding]:
    """A task waits for a task of a later phase."""
    phases = facts.workflow.phases
    rank = facts.phase_rank
    for tid, task in facts.tasks.items():
        here = facts.phase_of[tid]
        for index, before in enumerate(task.after):
            there = facts.phase_of.get(before)
            if there is None or rank[there] <= rank[here] or there in phases[here].overlaps:
                continue
            yield Finding(
                (*facts.task_path(tid), "after", index),
                f"task {tid!r} of phase {here!r} comes after {before!r}, a task of the later phase {there!r}",
                tid,
            )
