"""Member journeys and handoffs: the stages of member interaction a journey
passes through, how work and members pass between organizations, and who may
make a journey's moves.

The seed: "parties can document major activities and interactions between
partners at each stage of member interaction (i.e., identification,
engagement, enrollment, service provision, service completion)."
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from lifecycle import graph
from lifecycle.checks.facts import Facts
from lifecycle.checks.registry import Finding, rule
from lifecycle.diagnostics import Severity
from lifecycle.model import JourneyKind, Task

__all__: list[str] = []


@rule(
    "GAP013",
    "journey-missing-stage",
    Severity.WARNING,
    hint="add a step for each missing stage, or list the stages the journey maps under stages:",
)
def journey_missing_stage(facts: Facts) -> Iterator[Finding]:
    """A member journey has no step in a stage of member interaction it covers."""
    for jid, journey in facts.workflow.journeys.items():
        if journey.kind is not JourneyKind.MEMBER:
            continue  # a status journey's steps are statuses, not stages
        present = {step.stage for step in journey.steps.values() if step.stage is not None}
        missing = [stage.value for stage in journey.stages if stage not in present]
        if not missing:
            continue
        if len(present) == 1 and journey.steps:
            (only,) = present
            detail = f"every step is in {only}, so it has no step in "
        else:
            detail = "it has no step in "
        yield Finding(
            ("journeys", jid),
            f"journey {jid!r} covers the stages of member interaction, but {detail}" + ", ".join(missing),
            jid,
        )


@rule(
    "DATA007",
    "journey-move-without-handoff",
    Severity.WARNING,
    hint="add a handoff between the two roles (with its channel) and name it in via:",
)
def journey_move_without_handoff(facts: Facts) -> Iterator[Finding]:
    """A member moves between steps of two organizations with no via: handoff."""
    for jid, journey in facts.workflow.journeys.items():
        reported: set[str] = set()
        for sid, step in journey.steps.items():
            for target in step.next:
                following = journey.steps.get(target)
                if following is None or following.via is not None or target in reported:
                    continue
                if facts.crosses(step.owner, following.owner):
                    reported.add(target)
                    yield Finding(
                        ("journeys", jid, "steps", target),
                        f"journey {jid!r}: the member moves from {sid!r} ({facts.org_of(step.owner)}) to "
                        f"{target!r} ({facts.org_of(following.owner)}) with no via: handoff",
                        target,
                    )


def _involves(facts: Facts, task: Task, actor: str) -> bool:
    seats = {*task.owner, *task.responsible, *task.consulted, *task.informed}
    return actor in seats or any(role in seats for role in facts.seats.get(actor, ()))


@rule(
    "GAP018",
    "handoff-task-mismatch",
    Severity.ERROR,
    hint="name a task the sender or receiver takes part in, or add the role to the task's RACI",
)
def handoff_task_mismatch(facts: Facts) -> Iterator[Finding]:
    """A handoff's from_task or to_task involves neither of the handoff's roles."""
    tasks = facts.tasks
    for hid, handoff in facts.workflow.handoffs.items():
        ends = (handoff.from_, handoff.to)
        for field, tid in (("from_task", handoff.from_task), ("to_task", handoff.to_task)):
            task = tasks.get(tid) if tid is not None else None
            if task is None or any(_involves(facts, task, end) for end in ends):
                continue
            yield Finding(
                ("handoffs", hid, field),
                f"handoff {hid!r} from {handoff.from_!r} to {handoff.to!r} names {field} {tid!r}, "
                "in which neither of them has a part",
                hid,
            )


@rule(
    "GAP022",
    "move-without-mover",
    Severity.ERROR,
    hint="name who may make the move under the exit's moved_by:",
)
def move_without_mover(facts: Facts) -> Iterator[Finding]:
    """A journey may move from an exit to another exit, and no role may make that move."""
    for jid, journey in facts.workflow.journeys.items():
        for xid, end in journey.exits.items():
            for target in end.next:
                if not journey.movers(xid, target):
                    yield Finding(
                        ("journeys", jid, "exits", xid, "next"),
                        f"journey {jid!r}: nobody may move from exit {xid!r} to exit {target!r}, "
                        "since an exit has no owner and the move names no movers",
                        xid,
                    )


@rule(
    "GAP023",
    "exit-never-settles",
    Severity.ERROR,
    hint="let the exits it leads to end somewhere: give one of them no next:",
)
def exit_never_settles(facts: Facts) -> Iterator[Finding]:
    """A journey exit can be left, and no final exit (one that cannot be left) follows it."""
    for jid, journey in facts.workflow.journeys.items():
        moves = graph.journey_graph(journey)
        final = {xid for xid, end in journey.exits.items() if not end.next}
        for xid, end in journey.exits.items():
            if end.next and not (nx.descendants(moves, xid) & final):
                yield Finding(
                    ("journeys", jid, "exits", xid, "next"),
                    f"journey {jid!r}: exit {xid!r} can be left, but no final exit follows it, "
                    "so a journey that ends there never settles",
                    xid,
                )
