"""The swimlane map of one phase, several phases or the whole lifecycle.

Who does the work is what a role-definition session signs off, so the map puts
every role that works in the shown scope in a lane, grouped by organization:

- A task card stands in the lane of the role that performs it: its first
  responsible role where one is named, else its accountable owner.
- Every other role on the task gets a chip in its own lane, in the task's
  column, tied to the card by a dotted line and carrying its RACI letters
  (``A``, ``R``, ``C``, ``I``). A task whose accountable and responsible roles
  belong to more than one organization is joint work, and its card says so.
- A handoff runs from its ``from`` role's lane to its ``to`` role's lane, at the
  column of ``from_task`` and ``to_task`` (see :func:`handoff_tasks` for one
  that names no task). An end whose role has no part in the task is a chip
  reading "handoff"; an end whose task is not on the map is a free chip that
  names it.

Each phase's exit gate stands at its right-hand boundary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lifecycle.diagnostics import LifecycleError
from lifecycle.drawing.labels import wrap
from lifecycle.drawing.lane_model import Block, Card, GateMark, LaneMap, Link
from lifecycle.drawing.lanes import UNASSIGNED, lane_of_actor, order_lanes
from lifecycle.model import Handoff, Task, Workflow

__all__ = ["RACI_WORDS", "HandoffPlaces", "UnknownElement", "handoff_tasks", "performer", "swimlane_map"]

RACI_WORDS = {"A": "accountable", "R": "responsible", "C": "consulted", "I": "informed"}
"""What each RACI letter on a chip means."""


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


def _name(workflow: Workflow, actor: str) -> str:
    if actor in workflow.roles:
        return workflow.roles[actor].title
    if actor in workflow.people:
        return workflow.people[actor].name
    return actor


def performer(workflow: Workflow, task: Task) -> str:
    """The lane key of the role that performs ``task``: its first responsible role
    where one is named, else its accountable owner, else the unassigned lane."""
    doer = task.responsible[0] if task.responsible else task.owner[0] if task.owner else None
    return lane_of_actor(workflow, doer)


def _parts(workflow: Workflow, task: Task) -> dict[str, str]:
    """Each lane key's RACI letters on ``task`` (``"A"``, ``"A/R"``, ``"C"`` ...)."""
    letters: dict[str, list[str]] = {}
    for letter, actors in (
        ("A", task.owner),
        ("R", task.responsible),
        ("C", task.consulted),
        ("I", task.informed),
    ):
        for actor in actors:
            lane = lane_of_actor(workflow, actor)
            if lane != UNASSIGNED and letter not in letters.setdefault(lane, []):
                letters[lane].append(letter)
    return {lane: "/".join(found) for lane, found in letters.items()}


def _org(workflow: Workflow, lane: str) -> str | None:
    if lane in workflow.roles:
        return workflow.roles[lane].org
    if lane in workflow.people:
        return workflow.people[lane].org
    return None


def handoff_tasks(workflow: Workflow, handoff: Handoff) -> tuple[str | None, str | None]:
    """The tasks at which a handoff leaves its sender and reaches its receiver.

    The named ``from_task`` and ``to_task`` where there are any. A handoff that
    names neither happens where its sender first takes part in a task that its
    receiver also takes part in, else where the sender first takes part in any
    task, else where the receiver first does (lifecycle order); naming the tasks
    pins it. For many handoffs of one workflow, ask one :class:`HandoffPlaces`.

    Returns
    -------
    tuple
        (from task or None, to task or None); both None when neither role takes
        part in any task.
    """
    return HandoffPlaces(workflow).of(handoff)


class HandoffPlaces:
    """Where handoffs happen, for many handoffs of one workflow: each task's parts
    are read once, not once per handoff (a network of 10,000 tasks has hundreds of
    handoffs that name no task)."""

    def __init__(self, workflow: Workflow) -> None:
        self.workflow = workflow
        self._parts: dict[str, dict[str, str]] | None = None
        self._tasks_of: dict[str, list[str]] = {}

    def _index(self) -> dict[str, dict[str, str]]:
        if self._parts is None:
            self._parts = {tid: _parts(self.workflow, task) for tid, task in self.workflow.tasks().items()}
            for tid, parts in self._parts.items():
                for lane in parts:
                    self._tasks_of.setdefault(lane, []).append(tid)
        return self._parts

    def of(self, handoff: Handoff) -> tuple[str | None, str | None]:
        """See :func:`handoff_tasks`."""
        if handoff.from_task or handoff.to_task:
            return handoff.from_task, handoff.to_task
        parts = self._index()
        sender = lane_of_actor(self.workflow, handoff.from_)
        receiver = lane_of_actor(self.workflow, handoff.to)
        sends = self._tasks_of.get(sender, [])
        both = next((tid for tid in sends if receiver in parts[tid]), None)
        if both is not None:
            return both, None
        if sends:
            return sends[0], None
        receives = self._tasks_of.get(receiver, [])
        return None, (receives[0] if receives else None)


@dataclass
class _Builder:
    """The cards and links of one swimlane map, built task by task."""

    workflow: Workflow
    on_map: dict[str, str]
    """Task id -> phase id of every task shown."""

    def __post_init__(self) -> None:
        self.cards: dict[str, Card] = {}
        self.chips: dict[str, Card] = {}
        self.links: list[Link] = []
        self.lane_of_task: dict[str, str] = {}
        self.parts: dict[str, dict[str, str]] = {}

    def task(self, tid: str, task: Task) -> None:
        workflow = self.workflow
        lane = performer(workflow, task)
        parts = _parts(workflow, task)
        doers = {lane, *(k for k, v in parts.items() if "A" in v or "R" in v)}
        doers.discard(UNASSIGNED)
        orgs = {_org(workflow, d) for d in doers}
        others = sorted(
            {workflow.organizations[o].name for o in orgs if o is not None and o != _org(workflow, lane)}
        )
        label = task.title + (f"\n(joint with {' and '.join(others)})" if others else "")
        raci = [f"A: {', '.join(task.owner) or 'none'}"]
        raci += [
            f"{k}: {', '.join(v)}"
            for k, v in (("R", task.responsible), ("C", task.consulted), ("I", task.informed))
            if v
        ]
        fill = "#fff5f0" if lane == UNASSIGNED else "#fbf3ff" if others else "white"
        self.cards[tid] = Card(
            tid,
            label,
            lane,
            self.on_map[tid],
            "task",
            "\n".join([f"{tid}: {task.title}", *raci]),
            fill,
            joint=bool(others),
        )
        self.lane_of_task[tid] = lane
        self.parts[tid] = parts

    def chips_for_lanes(self, lanes: set[str]) -> None:
        """Tie every task to the other roles on it that have a lane on the map."""
        for tid, parts in self.parts.items():
            for other, letters in parts.items():
                if other != self.lane_of_task[tid] and other in lanes:
                    self._chip(tid, other, letters)

    def workers(self) -> set[str]:
        """The lanes of the roles that are accountable or responsible for a shown task."""
        found = set(self.lane_of_task.values())
        for parts in self.parts.values():
            found.update(lane for lane, letters in parts.items() if "A" in letters or "R" in letters)
        return found

    def _chip(self, tid: str, lane: str, letters: str) -> str:
        key = f"{tid}@{lane}"
        if key not in self.chips:
            words = ", ".join(RACI_WORDS[k] for k in letters.split("/")) if letters else "hands work on"
            title = self.cards[tid].label.splitlines()[0]
            self.chips[key] = Card(
                key,
                letters or "handoff",
                lane,
                self.on_map[tid],
                "chip",
                f"{_name(self.workflow, lane)}: {words} in {tid}: {title}",
                "white",
                attached_to=tid,
            )
            self.links.append(Link(tid, key, "tie", key))
        return key

    def end(self, tid: str, actor: str) -> str:
        """The card or chip where a handoff end in ``actor``'s lane meets task ``tid``."""
        lane = lane_of_actor(self.workflow, actor)
        if self.lane_of_task[tid] == lane:
            return tid
        return self._chip(tid, lane, self.parts[tid].get(lane, ""))

    def free_end(self, key: str, actor: str, near: str, text: str) -> str:
        """A chip for a handoff end whose task is not on the map, in the block of ``near``."""
        self.chips[key] = Card(
            key, text, lane_of_actor(self.workflow, actor), self.on_map[near], "chip", text, "white"
        )
        return key


def _elsewhere(workflow: Workflow, phase_of: dict[str, str], tid: str | None, verb: str) -> str:
    """The text of a free chip: what the other end of its handoff is."""
    if tid is None:
        return {"from": "sends", "for": "receives"}[verb]
    phase = workflow.phases[phase_of[tid]]
    return f"{verb}: {phase.tasks[tid].title} ({phase.title})"


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
        Lanes, phase blocks, task cards, RACI chips, dependency and handoff arrows.

    Raises
    ------
    UnknownElement
        When a phase id is not a phase of the workflow.
    """
    shown = _selected_phases(workflow, phases)
    on_map = {tid: pid for pid in shown for tid in workflow.phases[pid].tasks}
    build = _Builder(workflow, on_map)
    for pid in shown:
        for tid, task in workflow.phases[pid].tasks.items():
            build.task(tid, task)

    # Lanes: whoever is accountable or responsible for a shown task, or sends or
    # receives a shown handoff; consulted and informed roles get a chip only
    # where they already have a lane, and the legend names the others.
    places = HandoffPlaces(workflow)
    placed = {hid: places.of(h) for hid, h in workflow.handoffs.items()}
    phase_of = workflow.phase_of()
    shown_handoffs = {hid for hid, ends in placed.items() if ends[0] in on_map or ends[1] in on_map}
    lanes_used = build.workers() | {
        lane_of_actor(workflow, getattr(workflow.handoffs[hid], end))
        for hid in shown_handoffs
        for end in ("from_", "to")
    }
    build.chips_for_lanes(lanes_used)
    handed: set[tuple[str, str]] = set()
    handoff_links: list[Link] = []
    notes: list[str] = []
    for hid, handoff in workflow.handoffs.items():
        sent, received = placed[hid]
        if sent not in on_map and received not in on_map:
            if sent is None and received is None and len(shown) == len(workflow.phases):
                channel = handoff.channel.value if handoff.channel else "no channel"
                src, dst = _name(workflow, handoff.from_), _name(workflow, handoff.to)
                notes.append(f"  - {hid}: {src} -> {dst} ({channel}): neither role takes part in any task")
            continue
        if sent in on_map:
            assert sent is not None
            tail = build.end(sent, handoff.from_)
        else:
            assert received is not None
            tail = build.free_end(
                f"{hid}.from", handoff.from_, received, _elsewhere(workflow, phase_of, sent, "from")
            )
        if received in on_map:
            assert received is not None
            head = build.end(received, handoff.to)
        else:
            assert sent is not None
            head = build.free_end(
                f"{hid}.to", handoff.to, sent, _elsewhere(workflow, phase_of, received, "for")
            )
        handed.add((tail, head))
        channel = handoff.channel.value if handoff.channel else "no channel"
        label = channel + (f": {handoff.passes}" if handoff.passes else "")
        handoff_links.append(
            Link(tail, head, "handoff", hid, label, label, handoff.channel is None, element=hid)
        )
    if notes:
        notes.insert(0, "Handoffs not drawn (no task says where they happen; name from_task or to_task):")
    watchers = order_lanes(workflow, {lane for parts in build.parts.values() for lane in parts} - lanes_used)
    if watchers:
        names = ", ".join(lane.title for lane in watchers)
        notes[:0] = wrap(f"Only consulted or informed here, so no lane (see the RACI): {names}", 120)

    links = list(build.links)
    for pid in shown:
        for tid, task in workflow.phases[pid].tasks.items():
            links.extend(
                Link(pred, tid, "after" if phase_of[pred] == pid else "earlier", f"{pred}--{tid}")
                for pred in task.after
                if pred in on_map and (pred, tid) not in handed
            )
    links.extend(handoff_links)

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
    cards = [*build.cards.values(), *build.chips.values()]
    lanes = order_lanes(workflow, (c.lane for c in cards))
    return LaneMap(title, lanes, blocks, cards, links, notes)
