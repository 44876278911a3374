"""The swimlane map of one phase, several phases or the whole lifecycle.

One lane per accountable role (the task's first ``owner``), lanes grouped by
organization, tasks in dependency order left to right within their phase,
handoffs as arrows across lanes labelled with their channel, and each phase's
exit gate at its right-hand boundary.

A handoff is an arrow only when it names both tasks (``from_task`` and
``to_task``) and both are on the map; a handoff between roles that names no
task is listed under the map instead, because an arrow from a lane header would
read as work that no task does.
"""

from __future__ import annotations

from collections.abc import Sequence

from lifecycle.diagnostics import LifecycleError
from lifecycle.drawing.lane_model import Block, Card, GateMark, LaneMap, Link
from lifecycle.drawing.lanes import UNASSIGNED, lane_of_actor, order_lanes
from lifecycle.model import Handoff, Workflow

__all__ = ["UnknownElement", "swimlane_map"]


class UnknownElement(LifecycleError):
    """A map was asked for a phase or journey the workflow does not define."""


def _selected_phases(workflow: Workflow, phases: Sequence[str] | None) -> list[str]:
    if not phases:
        return list(workflow.phases)
    unknown = [p for p in phases if p not in workflow.phases]
    if unknown:
        known = ", ".join(workflow.phases) or "none"
        raise UnknownElement(f"no phase {unknown[0]!r} in workflow {workflow.id!r} (phases: {known})")
    return [p for p in workflow.phases if p in set(phases)]


def _people(workflow: Workflow, actor: str) -> str:
    if actor in workflow.roles:
        return workflow.roles[actor].title
    if actor in workflow.people:
        return workflow.people[actor].name
    return actor


def _handoff_note(workflow: Workflow, hid: str, handoff: Handoff, why: str) -> str:
    channel = handoff.channel.value if handoff.channel else "no channel"
    what = f": {handoff.passes}" if handoff.passes else ""
    src, dst = _people(workflow, handoff.from_), _people(workflow, handoff.to)
    return f"  - {hid}: {src} -> {dst} ({channel}){what} [{why}]"


def swimlane_map(workflow: Workflow, phases: Sequence[str] | None = None) -> LaneMap:
    """Describe the swimlane map of ``phases`` (every phase when empty or None).

    Parameters
    ----------
    workflow
        The workflow to map.
    phases
        Phase ids to show, drawn in lifecycle order whatever order they are given in.

    Returns
    -------
    LaneMap
        Lanes, phase blocks, task cards, dependency and handoff arrows.

    Raises
    ------
    UnknownElement
        When a phase id is not a phase of the workflow.
    """
    shown = _selected_phases(workflow, phases)
    cards: list[Card] = []
    for pid in shown:
        for tid, task in workflow.phases[pid].tasks.items():
            lane = lane_of_actor(workflow, task.owner[0]) if task.owner else UNASSIGNED
            raci = [f"A: {', '.join(task.owner) or 'none'}"]
            raci += [
                f"{k}: {', '.join(v)}"
                for k, v in (("R", task.responsible), ("C", task.consulted), ("I", task.informed))
                if v
            ]
            tooltip = "\n".join([f"{tid}: {task.title}", *raci])
            cards.append(
                Card(
                    tid, task.title, lane, pid, "task", tooltip, "#fff5f0" if lane == UNASSIGNED else "white"
                )
            )
    on_map = {c.key for c in cards}

    links: list[Link] = []
    notes: list[str] = []
    handed = set()
    for hid, handoff in workflow.handoffs.items():
        ends = (handoff.from_task, handoff.to_task)
        if ends[0] in on_map and ends[1] in on_map:
            assert ends[0] is not None and ends[1] is not None
            handed.add((ends[0], ends[1]))
            channel = handoff.channel.value if handoff.channel else "no channel"
            links.append(
                Link(ends[0], ends[1], "handoff", hid, channel, handoff.passes, handoff.channel is None)
            )
        elif ends == (None, None):
            notes.append(_handoff_note(workflow, hid, handoff, "names no tasks"))
        elif None in ends and (ends[0] in on_map or ends[1] in on_map):
            notes.append(_handoff_note(workflow, hid, handoff, "names one task only"))
        elif ends[0] in on_map or ends[1] in on_map:
            notes.append(_handoff_note(workflow, hid, handoff, "other task not on this map"))
    phase_of = workflow.phase_of()
    for pid in shown:
        for tid, task in workflow.phases[pid].tasks.items():
            links.extend(
                Link(pred, tid, "after" if phase_of[pred] == pid else "earlier", f"{pred}--{tid}")
                for pred in task.after
                if pred in on_map and (pred, tid) not in handed
            )
    if notes:
        notes.insert(0, "Handoffs not drawn as arrows:")

    blocks = []
    for pid in shown:
        phase = workflow.phases[pid]
        gate = None
        if phase.exit_gate is not None:
            n = len(phase.exit_gate.criteria)
            detail = f"{n} criteri{'on' if n == 1 else 'a'}"
            gate = GateMark(pid, phase.exit_gate.title, detail)
        blocks.append(Block(pid, phase.title, gate))
    if len(shown) == len(workflow.phases):
        title = workflow.title
    else:
        title = f"{workflow.title}: {', '.join(workflow.phases[p].title for p in shown)}"
    lanes = order_lanes(workflow, (c.lane for c in cards))
    return LaneMap(title, lanes, blocks, cards, links, notes)
