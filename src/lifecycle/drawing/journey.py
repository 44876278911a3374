"""The journey map: the five stages of member interaction as columns, roles as lanes.

Steps sit in their stage's column and their owner's lane; the ways a journey
ends sit in a last "Exits" column, in the lane of the step that leads there, so
a facilitator sees who loses the member where. A move into a step that names
the handoff bringing the member (``via``) is drawn as a handoff, labelled with
that handoff's channel; a move back to an earlier step (a loop, a return) is
dashed so it can be told from the way forward.
"""

from __future__ import annotations

import networkx as nx

from lifecycle.drawing.lane_model import Block, Card, LaneMap, Link
from lifecycle.drawing.lanes import lane_of_actor, order_lanes
from lifecycle.drawing.swimlane import UnknownElement
from lifecycle.model import ExitKind, Stage, Workflow

__all__ = ["EXITS", "journey_map"]

EXITS = "exits"
"""The key of the last column, which holds the journey's exits."""

_EXIT_FILLS = {ExitKind.COMPLETED: "#d9f0d3", ExitKind.TRANSFERRED: "#e7e1ef"}
_STAGE_TITLES = {
    Stage.IDENTIFICATION: "Identification",
    Stage.ENGAGEMENT: "Engagement",
    Stage.ENROLLMENT: "Enrollment",
    Stage.SERVICE_PROVISION: "Service provision",
    Stage.SERVICE_COMPLETION: "Service completion",
}


class _HandoffEnds:
    """Where a ``via`` handoff starts and ends: in its own ``from`` and ``to`` roles'
    lanes, at the step it leaves and the step it brings the member to. An end in
    another lane than its step's is a chip there, tied to the step."""

    def __init__(self, workflow: Workflow, steps: dict[str, Card], links: list[Link]) -> None:
        self.workflow = workflow
        self.steps = steps
        self.links = links
        self.chips: dict[str, Card] = {}

    def at(self, sid: str, actor: str, verb: str) -> str:
        """The key of the card where the handoff meets step ``sid`` in ``actor``'s lane."""
        step = self.steps[sid]
        lane = lane_of_actor(self.workflow, actor)
        if lane == step.lane:
            return sid
        key = f"{sid}@{lane}"
        if key not in self.chips:
            title = step.label.splitlines()[0]
            self.chips[key] = Card(
                key, verb, lane, step.block, "chip", f"{actor} {verb} at {sid}: {title}", attached_to=sid
            )
            self.links.append(Link(sid, key, "tie", key))
        return key


def journey_map(workflow: Workflow, journey_id: str) -> LaneMap:
    """Describe the journey map of ``journey_id``.

    Parameters
    ----------
    workflow
        The workflow that defines the journey and its roles.
    journey_id
        The journey to map.

    Returns
    -------
    LaneMap
        One block per stage (all five, in order) and one for exits.

    Raises
    ------
    UnknownElement
        When the workflow has no such journey.
    """
    if journey_id not in workflow.journeys:
        known = ", ".join(workflow.journeys) or "none"
        raise UnknownElement(f"no journey {journey_id!r} in workflow {workflow.id!r} (journeys: {known})")
    journey = workflow.journeys[journey_id]
    cards: list[Card] = []
    for sid, step in journey.steps.items():
        first = " (start)" if sid == journey.start else ""
        cards.append(
            Card(
                sid,
                step.title,
                lane_of_actor(workflow, step.owner),
                step.stage.value,
                "step",
                f"{sid}{first}: {step.title}\nowner: {step.owner}",
                "#e5f5e0" if first else "white",
            )
        )
    # A move to a step no further from the start than the one it leaves is a return.
    moves = nx.DiGraph((sid, t) for sid, s in journey.steps.items() for t in s.next if t in journey.steps)
    moves.add_nodes_from(journey.steps)
    depth = nx.single_source_shortest_path_length(moves, journey.start) if journey.start in moves else {}
    links: list[Link] = []
    ends = _HandoffEnds(workflow, {c.key: c for c in cards}, links)
    for sid, step in journey.steps.items():
        for target in step.next:
            back = target in journey.steps and depth.get(target, -1) <= depth.get(sid, -1)
            via = journey.steps[target].via if target in journey.steps else None
            handoff = workflow.handoffs.get(via) if via else None
            if handoff is not None:
                channel = handoff.channel.value if handoff.channel else "no channel"
                links.append(
                    Link(
                        ends.at(sid, handoff.from_, "hands over"),
                        ends.at(target, handoff.to, "receives"),
                        "handoff",
                        f"{sid}--{target}",
                        channel,
                        handoff.passes,
                        handoff.channel is None,
                        element=via,
                    )
                )
            else:
                links.append(Link(sid, target, "back" if back else "next", f"{sid}--{target}"))
    cards.extend(ends.chips.values())
    lane_of_step = {c.key: c.lane for c in cards}
    for eid, end in journey.exits.items():
        before = next((sid for sid, s in journey.steps.items() if eid in s.next), None)
        lane = lane_of_step[before] if before else lane_of_step[journey.start]
        cards.append(
            Card(
                eid,
                end.title,
                lane,
                EXITS,
                "exit",
                f"{eid} ({end.kind.value}): {end.title}",
                _EXIT_FILLS.get(end.kind, "#fde0dd"),
            )
        )
    blocks = [Block(stage.value, _STAGE_TITLES[stage]) for stage in Stage]
    if journey.exits:
        blocks.append(Block(EXITS, "Exits"))
    lanes = order_lanes(workflow, (c.lane for c in cards))
    return LaneMap(journey.title, lanes, blocks, cards, links)
