"""The journey map: the five stages of member interaction as columns, roles as lanes.

Steps sit in their stage's column and their owner's lane; the ways a journey
ends sit in a last "Exits" column, in the lane of the step that leads there, so
a facilitator sees who loses the member where. Each kind of exit has its own
look (:data:`lifecycle.drawing.style.EXIT_LOOKS`), named in the legend. A move
into a step that names the handoff bringing the member (``via``) is drawn as a
handoff, labelled with that handoff's channel; a move back to an earlier step
(a loop, a return) is dashed so it can be told from the way forward; a move
that a role owning neither of its steps may make (``moved_by``) is labelled
with its movers, and every move that names them says so in its tooltip.

A status journey (``kind: status``) has no stages: its steps share one
"Statuses" column block, laid out by their moves, before the exits; an exit
that can be left draws its moves out like a step's.
"""

from __future__ import annotations

from dataclasses import replace

import networkx as nx

from lifecycle.drawing.lane_model import Block, Card, LaneMap, Link
from lifecycle.drawing.lanes import lane_of_actor, order_lanes
from lifecycle.drawing.style import EXIT_LOOKS
from lifecycle.drawing.swimlane import UnknownElement
from lifecycle.model import Journey, JourneyKind, Stage, Workflow

__all__ = ["EXITS", "STATUSES", "journey_map"]

EXITS = "exits"
"""The key of the last column, which holds the journey's exits."""

STATUSES = "statuses"
"""The key of the one column block of a status journey's steps."""

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
        step = self.steps.get(sid)
        lane = lane_of_actor(self.workflow, actor)
        if step is None or lane == step.lane:
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
        One block per stage (all five, in order; a status journey: one
        block of statuses) and one for exits.

    Raises
    ------
    UnknownElement
        When the workflow has no such journey.
    """
    if journey_id not in workflow.journeys:
        known = ", ".join(workflow.journeys) or "none"
        raise UnknownElement(f"no journey {journey_id!r} in workflow {workflow.id!r} (journeys: {known})")
    journey = workflow.journeys[journey_id]
    status = journey.kind is JourneyKind.STATUS
    cards: list[Card] = []
    for sid, step in journey.steps.items():
        first = " (start)" if sid == journey.start else ""
        optional = " (optional)" if step.optional else ""
        block = STATUSES if status or step.stage is None else step.stage.value
        cards.append(
            Card(
                sid,
                step.title + optional,
                lane_of_actor(workflow, step.owner),
                block,
                "step",
                f"{sid}{first}{optional}: {step.title}\nowner: {step.owner}",
                "#e5f5e0" if first else "white",
                border="dashed" if step.optional else "solid",
            )
        )
    set_by = _set_by(journey)
    cards = [replace(c, label=f"{c.label}\nset by {set_by[c.key]}") if c.key in set_by else c for c in cards]
    links, chips = _links(workflow, journey, set_by, {c.key: c for c in cards})
    cards.extend(chips)
    lane_of_step = {c.key: c.lane for c in cards}
    for eid, end in journey.exits.items():
        before = next((sid for sid, s in journey.steps.items() if eid in s.next), None)
        lane = lane_of_step[before] if before else lane_of_step[journey.start]
        look = EXIT_LOOKS[end.kind]
        cards.append(
            Card(
                eid,
                end.title + (f"\nset by {set_by[eid]}" if eid in set_by else ""),
                lane,
                EXITS,
                "exit",
                f"{eid} ({end.kind.value}): {end.title}",
                look.fill,
                border=look.border,
            )
        )
    if status:
        blocks = [Block(STATUSES, "Statuses")]
    else:
        blocks = [Block(stage.value, _STAGE_TITLES[stage]) for stage in Stage]
    if journey.exits:
        blocks.append(Block(EXITS, "Exits"))
    kinds = list(dict.fromkeys(end.kind for end in journey.exits.values()))
    legend = [f"exit {kind.value}: {EXIT_LOOKS[kind].words}" for kind in kinds]
    if any(step.optional for step in journey.steps.values()):
        legend.append("dashed step: optional, a journey may pass over it")
    if set_by:
        legend.append("'set by ...' on a card: the roles that may move a journey there")
    if any(link.label and link.kind != "handoff" for link in links):
        legend.append(
            "'by ...' on an arrow: the roles that may make that move, one of them owning neither of its steps"
        )
    lanes = order_lanes(workflow, (c.lane for c in cards))
    return LaneMap(journey.title, lanes, blocks, cards, links, legend=legend)


def _links(
    workflow: Workflow, journey: Journey, set_by: dict[str, str], steps: dict[str, Card]
) -> tuple[list[Link], list[Card]]:
    """Every move of the journey as an arrow: a handoff (from its own ``from``
    role's lane to its ``to`` role's, with the chips that needs), a way forward, or
    a return to a step no further from the start than the one it leaves. A move
    into a card that says who sets it carries no label of its own."""
    moves = nx.DiGraph(journey.declared_moves())
    moves.add_nodes_from([*journey.steps, *journey.exits])
    depth = nx.single_source_shortest_path_length(moves, journey.start) if journey.start in moves else {}
    links: list[Link] = []
    ends = _HandoffEnds(workflow, steps, links)
    for source, target in journey.declared_moves():
        back = target in journey.steps and depth.get(target, -1) <= depth.get(source, -1)
        via = journey.steps[target].via if target in journey.steps else None
        handoff = workflow.handoffs.get(via) if via else None
        by = None if target in set_by else _movers_label(journey, source, target)
        named = journey.named_movers(source, target)
        tip = f"{source} -> {target}: moved by {', '.join(named)}" if named else None
        if handoff is not None:
            channel = handoff.channel.value if handoff.channel else "no channel"
            links.append(
                Link(
                    ends.at(source, handoff.from_, "hands over"),
                    ends.at(target, handoff.to, "receives"),
                    "handoff",
                    f"{source}--{target}",
                    f"{channel}; {by}" if by else channel,
                    handoff.passes,
                    handoff.channel is None,
                    element=via,
                )
            )
        else:
            links.append(Link(source, target, "back" if back else "next", f"{source}--{target}", by, tip))
    return links, list(ends.chips.values())


def _movers_label(journey: Journey, source: str, target: str) -> str | None:
    """ "by ..." for a move that a role owning neither of its steps may make
    (``moved_by``): the map shows who acts where the lanes do not say it."""
    named = journey.named_movers(source, target)
    owners = {s.owner for s in (journey.steps.get(source), journey.steps.get(target)) if s is not None}
    if named is None or set(named) <= owners:
        return None
    return f"by {', '.join(named)}"


def _set_by(journey: Journey) -> dict[str, str]:
    """Steps and exits that every move into names the same movers, some of
    them owning neither step of a move: "set by ..." on the card says it once
    (as FHIR's "set by" does) instead of on each arrow."""
    into: dict[str, list[tuple[str, list[str] | None]]] = {}
    for source, target in journey.declared_moves():
        into.setdefault(target, []).append((source, journey.named_movers(source, target)))
    found: dict[str, str] = {}
    for target, moves in into.items():
        kinds = {tuple(named) if named else None for _, named in moves}
        if len(kinds) != 1 or None in kinds:
            continue
        if any(_movers_label(journey, source, target) for source, _ in moves):
            (named,) = kinds
            assert named is not None
            found[target] = ", ".join(named)
    return found
