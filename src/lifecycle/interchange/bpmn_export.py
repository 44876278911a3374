"""Export a workflow's lane map as a laid-out BPMN 2.0 collaboration.

The export is built on the same :class:`~lifecycle.drawing.lane_model.LaneMap`
and :func:`~lifecycle.drawing.layout.place` geometry as the swimlane and
journey maps, so a task sits in the same lane, and at the same place, in the
BPMN file as on lifecycle's own map:

- one pool (participant and process) per organization, one lane per lane of the
  map (a role), every card a user task (journey exits: end events);
- a link inside one organization is a sequence flow, a link across
  organizations a message flow; handoffs are labelled ``channel: what passes``;
- each exit gate is a conditional intermediate catch event in every pool at the
  phase boundary: a gate is a condition the partnership waits on, not a choice
  between paths (see ``docs/interchange.md``);
- every pool starts at a start event and ends at an end event, so every task is
  reachable, as an engine (SpiffWorkflow) or a modeler's linter expects;
- what BPMN has no word for (RACI, channels, phases, stages, organization kinds)
  goes into ``lc:`` extension elements, which modelers keep and ignore.

XML is built with lxml, so any title is escaped; diagram interchange (DI) gives
bounds to every pool, lane and node and waypoints to every flow.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from lxml import etree

from lifecycle.drawing.journey import journey_map
from lifecycle.drawing.lane_model import Card, LaneMap, Link
from lifecycle.drawing.lanes import UNASSIGNED
from lifecycle.drawing.layout import SCREEN, Box, Geometry, place
from lifecycle.drawing.swimlane import HandoffPlaces, swimlane_map
from lifecycle.interchange.bpmn_names import (
    BPMN,
    BPMNDI,
    DC,
    DI,
    LIFECYCLE,
    NSMAP,
    PREFIX,
    XSI,
    movers_from_text,
    movers_text,
)
from lifecycle.model import Handoff, Item, JourneyKind, Person, Workflow
from lifecycle.safe_output import NOT_XML

__all__ = ["EVENT_SIZE", "POOL_LABEL_W", "export_bpmn", "xml_safe"]

EVENT_SIZE = 36.0
"""Width and height of an event circle, as modelers draw them."""

POOL_LABEL_W = 30.0
"""The band at a pool's left edge where modelers write the pool's name."""

START_X = SCREEN.org_w + SCREEN.lane_w / 2
"""Where a pool's start event stands: over the middle of the lane titles."""

END_ROOM = 84.0
"""Room added at the right of every pool for its end events."""

NOTE_LINE_H = 15.0

HANDOFF_GAP = 28.0
"""Width of the column each handoff between pools runs in, right of the end events."""

GATEWAY_SIZE = 30.0
"""A parallel gateway's diamond: small enough that a split and a join fit in the
gap between two columns of the map."""

GATEWAY_GAP = 6.0
"""Space between a node and the gateway beside it."""


@dataclass
class _Node:
    """A flow node with its place (DI coordinates: y grows downwards)."""

    id: str
    tag: str
    name: str
    pool: str
    lane: str
    x: float
    y: float
    w: float
    h: float
    item: Item | None = None
    extension: list[etree._Element] = field(default_factory=list)
    definition: str | None = None
    """The event definition's tag (``conditionalEventDefinition``), if any."""

    condition: str | None = None

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class _Flow:
    id: str
    source: str
    target: str
    name: str | None = None
    item: Item | None = None
    extension: list[etree._Element] = field(default_factory=list)
    points: list[tuple[float, float]] | None = None
    """Waypoints fixed in advance (a handoff between pools); else routed between the nodes."""


def xml_safe(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot hold replaced by U+FFFD.

    lxml escapes ``<``, ``&`` and quotes itself; control characters it refuses.

    Examples
    --------
    >>> xml_safe("Refer <member> & \x07 follow up")
    'Refer <member> & \ufffd follow up'
    """
    return NOT_XML.sub("\ufffd", text)


def _q(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


def _lc(tag: str, **attributes: str | None) -> etree._Element:
    """An ``lc:`` extension element; attributes that are None are left out."""
    element = etree.Element(_q(LIFECYCLE, tag), nsmap={"lc": LIFECYCLE})
    for key, value in attributes.items():
        if value is not None:
            element.set(key, xml_safe(value))
    return element


def _documentation(item: Item | None) -> str | None:
    """An item's notes, then its source on a last ``Source:`` line."""
    if item is None:
        return None
    parts = [p for p in (item.notes, f"Source: {item.source}" if item.source else None) if p]
    return "\n\n".join(parts) or None


def _title(item: Item | None) -> str:
    """A journey step's or exit's title."""
    title = getattr(item, "title", None)
    return title if isinstance(title, str) else ""


def _words(ids: Sequence[str]) -> str | None:
    return " ".join(ids) if ids else None


def _handoff_label(handoff: Handoff) -> str:
    channel = handoff.channel.value if handoff.channel else "no channel"
    return f"{channel}: {handoff.passes}" if handoff.passes else channel


class _Collaboration:
    """The pools, nodes and flows of one export, placed from lifecycle's geometry."""

    def __init__(self, workflow: Workflow, lane_map: LaneMap, geometry: Geometry, journey: str | None):
        self.workflow = workflow
        self.lane_map = lane_map
        self.geometry = geometry
        self.journey = journey
        self.tasks = workflow.tasks()
        """Every task by id, read once: ``Workflow.tasks`` builds a new dict per call."""
        self.pool_of_lane = {lane.key: lane.org or UNASSIGNED for lane in lane_map.lanes}
        # RACI chips mark another role's part in a task on the map; BPMN keeps that
        # in the task's lifecycle extension, so they are not nodes of their own.
        self.chips = {card.key for card in lane_map.cards if card.kind == "chip"}
        self.card_links = self._card_links()
        self.pools: list[str] = list(dict.fromkeys(self.pool_of_lane.values()))
        self.between_pools = self._handoffs_between_pools()
        self.width = geometry.width + END_ROOM + len(self.between_pools) * HANDOFF_GAP
        self.nodes: dict[str, _Node] = {}
        self.sequence: list[_Flow] = []
        self.messages: list[_Flow] = []
        self._place_cards()
        self._link_cards()
        self._link_pools()
        self.notes = self._unexported()
        """The handoffs of the shown scope that have no BPMN form, listed so none is lost."""
        self._connect_pools()
        self._parallel_gateways()
        self._route_sequence_flows()
        self._route_message_flows()

    # -- geometry ---------------------------------------------------------------------------

    def _top(self, box: Box) -> float:
        """The DI y of a box's top edge (Graphviz y grows upwards, DI y downwards)."""
        return self.geometry.height - box.bb[3]

    def pool_bounds(self, pool: str) -> tuple[float, float, float, float]:
        bands = [self.geometry.lanes[k] for k, p in self.pool_of_lane.items() if p == pool]
        top = min(self._top(b) for b in bands)
        return (0.0, top, self.width, sum(b.h for b in bands))

    def lane_bounds(self, lane: str) -> tuple[float, float, float, float]:
        band = self.geometry.lanes[lane]
        return (POOL_LABEL_W, self._top(band), self.width - POOL_LABEL_W, band.h)

    def _event(self, node_id: str, tag: str, name: str, lane: str, cx: float) -> _Node:
        _, top, _, h = self.lane_bounds(lane)
        half = EVENT_SIZE / 2
        node = _Node(
            node_id,
            tag,
            name,
            self.pool_of_lane[lane],
            lane,
            cx - half,
            top + h / 2 - half,
            EVENT_SIZE,
            EVENT_SIZE,
        )
        self.nodes[node_id] = node
        return node

    # -- cards and links ----------------------------------------------------------------------

    def _place_cards(self) -> None:
        for card in self.lane_map.cards:
            if card.key in self.chips:
                continue
            box = self.geometry.cards[card.key].box
            pool = self.pool_of_lane[card.lane]
            if card.kind == "exit":
                node_id = PREFIX["exit"] + card.key
                half = EVENT_SIZE / 2
                node = _Node(
                    node_id,
                    "endEvent",
                    card.label,
                    pool,
                    card.lane,
                    box.x - half,
                    self.geometry.height - box.y - half,
                    EVENT_SIZE,
                    EVENT_SIZE,
                )
            else:
                node_id = PREFIX["task"] + card.key
                node = _Node(
                    node_id, "userTask", "", pool, card.lane, box.bb[0], self._top(box), box.w, box.h
                )
            node.item, node.extension = self._card_item(card)
            # The map adds "(joint with ...)" under a joint task's title, "(optional)" and
            # "set by ..." to a step's; BPMN names each by its title alone, and the
            # lifecycle extension keeps the RACI and the movers.
            node.name = self.tasks[card.key].title if self.journey is None else _title(node.item)
            self.nodes[node_id] = node

    def _card_item(self, card: Card) -> tuple[Item | None, list[etree._Element]]:
        if self.journey is not None:
            journey = self.workflow.journeys[self.journey]
            if card.key in journey.exits:
                end = journey.exits[card.key]
                # An end event has no way out in BPMN: an exit's moves out ride on its extension.
                moves = {"next": _words(end.next), "moved_by": movers_text(end.moved_by)}
                return end, [_lc("exit", kind=end.kind.value, **moves)]
            step = journey.steps[card.key]
            return step, [
                _lc(
                    "step",
                    owner=step.owner,
                    stage=step.stage.value if step.stage is not None else None,
                    via=step.via,
                    optional="true" if step.optional else None,
                    moved_by=movers_text(step.moved_by),
                )
            ]
        task = self.tasks[card.key]
        ext = _lc(
            "task",
            phase=card.block,
            owner=_words(task.owner),
            responsible=_words(task.responsible),
            consulted=_words(task.consulted),
            informed=_words(task.informed),
        )
        return task, [ext]

    def _node_id(self, key: str) -> str:
        task = PREFIX["task"] + key
        return task if task in self.nodes else PREFIX["exit"] + key

    def _card_links(self) -> list[Link]:
        """The map's arrows between tasks: an end at a RACI chip moves to the task the
        chip is attached to, as BPMN has no node for a role's part in a task (the
        handoff's ``lc:handoff`` keeps its roles). Ties are left out, and so is a handoff
        with a free chip at an end (it names a role, not a task) or with both ends at
        one task; an order arrow that a handoff between the same two tasks replaces on
        the map stays replaced."""
        attached = {card.key: card.attached_to for card in self.lane_map.cards if card.kind == "chip"}
        exits = {card.key for card in self.lane_map.cards if card.kind == "exit"}
        links = []
        for link in self.lane_map.links:
            tail, head = attached.get(link.tail, link.tail), attached.get(link.head, link.head)
            if tail in exits:
                continue  # kept on the exit's lc:exit (an end event has no outgoing flow)
            if link.kind != "tie" and tail is not None and head is not None and tail != head:
                links.append(replace(link, tail=tail, head=head))
        handed = {(link.tail, link.head) for link in links if link.kind == "handoff"}
        return [link for link in links if link.kind == "handoff" or (link.tail, link.head) not in handed]

    def _link_cards(self) -> None:
        for link in self.card_links:
            source, target = self._node_id(link.tail), self._node_id(link.head)
            flow = _Flow(PREFIX["flow"] + link.key, source, target)
            handoff_id = link.element or (link.key if link.kind == "handoff" else None)
            if link.kind == "handoff" and handoff_id in self.workflow.handoffs:
                handoff = self.workflow.handoffs[handoff_id]
                flow.name = _handoff_label(handoff)
                flow.item = handoff
                in_order = self.journey is not None or link.tail in self.tasks[link.head].after
                if self.journey is None:
                    flow.id = PREFIX["handoff"] + handoff_id
                flow.extension.append(
                    _lc(
                        "handoff",
                        id=handoff_id if self.journey is not None else None,
                        **{"from": handoff.from_},
                        to=handoff.to,
                        channel=handoff.channel.value if handoff.channel else None,
                        passes=handoff.passes,
                        order="true" if in_order else "false",
                    )
                )
            if self.nodes[source].pool == self.nodes[target].pool:
                self.sequence.append(flow)
            else:
                if self.nodes[source].tag == self.nodes[target].tag == "userTask":
                    flow.points = self._between_tasks(self.nodes[source], self.nodes[target])
                if not flow.extension:
                    # Order across pools must be a message flow; say it is order, not a handoff.
                    flow.extension.append(_lc("order"))
                self.messages.append(flow)

    # -- handoffs that name a role, not a task, on one end or both --------------------------------

    def _org(self, actor: str) -> str | None:
        if actor in self.workflow.roles:
            return self.workflow.roles[actor].org
        return self.workflow.people[actor].org if actor in self.workflow.people else None

    def _handoffs_between_pools(self) -> list[str]:
        """Cross-organization handoffs that do not join two tasks (the map draws a role
        end as a "sends" or "receives" chip): in BPMN a message flow may start or end at
        a pool."""
        if self.journey is not None:
            return []
        drawn = {link.key for link in self.card_links if link.kind == "handoff"}
        shown = {c.key for c in self.lane_map.cards} - self.chips
        chosen = []
        for hid, handoff in self.workflow.handoffs.items():
            tasks = [t for t in (handoff.from_task, handoff.to_task) if t is not None]
            sender, receiver = self._org(handoff.from_), self._org(handoff.to)
            if hid in drawn or any(t not in shown for t in tasks) or sender == receiver:
                continue
            if sender in self.pools and receiver in self.pools:
                chosen.append(hid)
        return chosen

    def _unexported(self) -> list[str]:
        """Handoffs of this scope that are neither a flow between tasks nor between
        pools: inside one organization and not between two different tasks (a role,
        not a task, at an end, or two roles of one task), or naming a task of a phase
        not exported."""
        if self.journey is not None:
            return []
        drawn = {link.key for link in self.card_links if link.kind == "handoff"}
        shown = {c.key for c in self.lane_map.cards} - self.chips
        every_phase = len(self.lane_map.blocks) == len(self.workflow.phases)
        lines = []
        places = HandoffPlaces(self.workflow)
        for hid, handoff in self.workflow.handoffs.items():
            if hid in drawn or hid in self.between_pools:
                continue
            # The handoffs of this scope, as the map places them: at a task shown here,
            # or (on the whole lifecycle) at no task at all.
            at = [t for t in places.of(handoff) if t is not None]
            if not (set(at) & shown or (not at and every_phase)):
                continue
            channel = handoff.channel.value if handoff.channel else "no channel"
            passes = f": {handoff.passes}" if handoff.passes else ""
            lines.append(f"  - {hid}: {handoff.from_} -> {handoff.to} ({channel}){passes}")
        if not lines:
            return []
        return [
            "Handoffs with no flow in this file (inside one organization and not between two"
            " different tasks, or naming a task of another phase):",
            *lines,
        ]

    def _anchor(self, actor: str, task: str | None, x: float) -> tuple[str, list[tuple[float, float]]]:
        """The flow end for one side of a pool handoff, and the points that reach column ``x``:
        the task, when it stands in the actor's pool, else the actor's pool (a message flow
        joins two pools, and the actor may only have a chip on a task of the other one)."""
        if task is not None and self.nodes[PREFIX["task"] + task].pool == self._org(actor):
            node = self.nodes[PREFIX["task"] + task]
            path = self._to_margin(node, down=True)
            return node.id, [*path, (x, path[-1][1])]
        pool = self._org(actor)
        assert pool is not None
        lane = actor if actor in self.pool_of_lane else None
        _, top, _, h = self.lane_bounds(lane) if lane else self.pool_bounds(pool)
        return PREFIX["participant"] + pool, [(x, top + h / 2)]

    def _to_margin(self, node: _Node, down: bool) -> list[tuple[float, float]]:
        """A path out of a task to its lane's bottom (or top) margin: out of the task's
        bottom (top) edge, into the column gap right of it, between the gateways that
        stand beside cards, then down (up) that gap. No card, gateway or event stands
        in a lane's margin or in the middle of a column gap, so a flow routed there
        crosses no shape."""
        _, top, _, h = self.lane_bounds(node.lane)
        edge = node.y + node.h if down else node.y
        step = edge + 8 if down else edge - 8
        margin = top + h - SCREEN.lane_pad / 2 if down else top + SCREEN.lane_pad / 2
        side, gap = node.x + node.w - 12, node.x + node.w + SCREEN.col_gap / 2
        return [(side, edge), (side, step), (gap, step), (gap, margin)]

    def _from_margin(self, node: _Node, down: bool) -> list[tuple[float, float]]:
        """A path from a task lane's top (bottom) margin into the task, through the
        column gap left of it: :meth:`_to_margin` mirrored."""
        _, top, _, h = self.lane_bounds(node.lane)
        edge = node.y if down else node.y + node.h
        step = edge - 8 if down else edge + 8
        margin = top + SCREEN.lane_pad / 2 if down else top + h - SCREEN.lane_pad / 2
        side, gap = node.x + 12, node.x - SCREEN.col_gap / 2
        return [(gap, margin), (gap, step), (side, step), (side, edge)]

    def _between_tasks(self, source: _Node, target: _Node) -> list[tuple[float, float]]:
        """A message flow from task to task: along the margins of the two lanes and down
        (up) a column gap between them."""
        down = target.cy > source.cy
        head, tail = self._to_margin(source, down), self._from_margin(target, down)
        return [*head, (tail[0][0], head[-1][1]), *tail]

    def _link_pools(self) -> None:
        """Each pool handoff runs in a column of its own right of the end events, from the
        sender's lane (or task) to the receiver's, so none crosses a task."""
        for i, hid in enumerate(self.between_pools):
            handoff = self.workflow.handoffs[hid]
            x = self.geometry.width + END_ROOM + (i + 0.5) * HANDOFF_GAP
            source, head = self._anchor(handoff.from_, handoff.from_task, x)
            target, tail = self._anchor(handoff.to, handoff.to_task, x)
            flow = _Flow(PREFIX["handoff"] + hid, source, target, _handoff_label(handoff), handoff)
            flow.points = head + list(reversed(tail))
            # A task end drawn at a pool instead travels in the extension.
            flow.extension.append(
                _lc(
                    "handoff",
                    **{"from": handoff.from_},
                    to=handoff.to,
                    from_task=handoff.from_task if source.startswith(PREFIX["participant"]) else None,
                    to_task=handoff.to_task if target.startswith(PREFIX["participant"]) else None,
                    channel=handoff.channel.value if handoff.channel else None,
                    passes=handoff.passes,
                    order="false",
                )
            )
            self.messages.append(flow)

    # -- start, gates and end: every node reachable ---------------------------------------------

    def _checkpoints(self, pool: str, cards: list[_Node]) -> list[tuple[int, _Node]]:
        """The pool's start, one gate event per gated block, and its end, each with the
        index of the block it comes after (-1 for the start)."""
        first = min(cards, key=lambda n: (n.x, n.y))
        blocks = self.lane_map.blocks
        start = self._event(PREFIX["start"] + pool, "startEvent", "Start", first.lane, START_X)
        if self.journey is not None and pool != self.nodes[PREFIX["task"] + self._journey_start].pool:
            start.definition = "messageEventDefinition"
        points = [(-1, start)]
        block_of = {c.key: c.block for c in self.lane_map.cards}
        for i, block in enumerate(blocks):
            if block.gate is None:
                continue
            phase = self.workflow.phases[block.key]
            assert phase.exit_gate is not None
            in_block = [n for n in cards if block_of[self._key(n)] == block.key]
            lane = (in_block or [first])[0].lane
            gate = self._event(
                f"{PREFIX['gate']}{block.key}--{pool}",
                "intermediateCatchEvent",
                phase.exit_gate.title,
                lane,
                self.geometry.gates[block.key].x,
            )
            gate.item = phase.exit_gate
            gate.definition = "conditionalEventDefinition"
            gate.condition = f"every criterion of '{phase.exit_gate.title}' is met"
            gate.extension.append(_lc("gate", phase=block.key))
            points.append((i, gate))
        last = max(cards, key=lambda n: (n.x + n.w, -n.y))
        points.append(
            (
                len(blocks),
                self._event(
                    PREFIX["end"] + pool, "endEvent", "End", last.lane, self.geometry.width + END_ROOM / 2
                ),
            )
        )
        return points

    @staticmethod
    def _key(node: _Node) -> str:
        return node.id.split("_", 1)[1]

    @property
    def _journey_start(self) -> str:
        assert self.journey is not None
        return self.workflow.journeys[self.journey].start

    def _connect_pools(self) -> None:
        block_index = {b.key: i for i, b in enumerate(self.lane_map.blocks)}
        block_of = {c.key: c.block for c in self.lane_map.cards}
        by_pool: dict[str, list[_Node]] = defaultdict(list)
        for node in list(self.nodes.values()):
            by_pool[node.pool].append(node)
        for pool in self.pools:
            cards = by_pool.get(pool, [])
            if not cards:
                # A pool whose roles only hand off or sign off here: an engine still
                # wants a process that starts and ends.
                lane = next(k for k, p in self.pool_of_lane.items() if p == pool)
                start = self._event(PREFIX["start"] + pool, "startEvent", "Start", lane, START_X)
                end = self._event(
                    PREFIX["end"] + pool, "endEvent", "End", lane, self.geometry.width + END_ROOM / 2
                )
                self._flow(start, end)
                continue
            points = self._checkpoints(pool, cards)
            has_in = {f.target for f in self.sequence}
            has_out = {f.source for f in self.sequence}
            sources: set[int] = set()
            targets: set[int] = set()
            for node in sorted(cards, key=lambda n: (n.x, n.y)):
                i = block_index[block_of[self._key(node)]]
                before = max((k for k, (b, _) in enumerate(points) if b < i), default=0)
                after = min(k for k, (b, _) in enumerate(points) if b >= i)
                starts_journey = self.journey is not None and self._key(node) == self._journey_start
                if node.id not in has_in or starts_journey:
                    self._flow(points[before][1], node)
                    sources.add(before)
                if node.id not in has_out and node.tag != "endEvent":
                    self._flow(node, points[after][1])
                    targets.add(after)
            # A checkpoint that no task of this pool leaves (or reaches) is passed straight through.
            for k in range(len(points) - 1):
                if k not in sources or k + 1 not in targets:
                    self._flow(points[k][1], points[k + 1][1])
                    sources.add(k)
                    targets.add(k + 1)

    def _parallel_gateways(self) -> None:
        """Make every split and join explicit: a node with several outgoing (incoming)
        sequence flows leaves (is entered) through a parallel gateway beside it. An
        implicit split is legal BPMN, but linters flag it and engines (SpiffWorkflow)
        refuse it, and a task's ``after`` list means "all of these", a parallel join."""
        for end in ("source", "target"):
            ends: dict[str, list[_Flow]] = defaultdict(list)
            for flow in self.sequence:
                ends[getattr(flow, end)].append(flow)
            for node_id, flows in ends.items():
                if len(flows) < 2:
                    continue
                node = self.nodes[node_id]
                splits = end == "source"
                gateway_id = f"{PREFIX['split' if splits else 'join']}{node_id}"
                x = node.x + node.w + GATEWAY_GAP if splits else node.x - GATEWAY_GAP - GATEWAY_SIZE
                gateway = _Node(
                    gateway_id,
                    "parallelGateway",
                    "",
                    node.pool,
                    node.lane,
                    x,
                    node.cy - GATEWAY_SIZE / 2,
                    GATEWAY_SIZE,
                    GATEWAY_SIZE,
                )
                self.nodes[gateway_id] = gateway
                for flow in flows:
                    setattr(flow, end, gateway_id)
                self._flow(node, gateway) if splits else self._flow(gateway, node)

    def _route_sequence_flows(self) -> None:
        """Keep the plain route of a sequence flow unless it crosses a node; then take the
        lane margins and column gaps, as message flows do."""
        obstacles = _Obstacles(list(self.nodes.values()))
        for flow in self.sequence:
            source, target = self.nodes[flow.source], self.nodes[flow.target]
            if obstacles.crossed(_waypoints(source, target, message=False), source, target):
                flow.points = self._around(source, target)

    def _route_message_flows(self) -> None:
        """A message flow from a task to an exit in another pool (a status journey's
        move to an exit kept in another organization's lane) keeps its plain route
        unless that crosses a node; then it takes the source lane's margin to the
        column gap left of the exit, and crosses the pools there."""
        obstacles = _Obstacles(list(self.nodes.values()))
        for flow in self.messages:
            if flow.points or flow.source not in self.nodes or not flow.target.startswith(PREFIX["exit"]):
                continue  # a pool handoff has its own column; so has a flow routed already
            source, target = self.nodes[flow.source], self.nodes[flow.target]
            if obstacles.crossed(_waypoints(source, target, message=True), source, target):
                down = target.cy > source.cy
                head = self._to_margin(source, down)
                into = target.cx - SCREEN.card_w / 2 - SCREEN.col_gap / 2
                flow.points = [*head, (into, head[-1][1]), (into, target.cy), (target.x, target.cy)]

    def _around(self, source: _Node, target: _Node) -> list[tuple[float, float]]:
        """Out of ``source`` into the gap right of it, along its lane's margin (bottom,
        or top when the target lies above) to the gap left of ``target``, and in."""
        out = source.x + source.w + (SCREEN.col_gap / 2 if source.tag == "userTask" else 12)
        if target.tag == "userTask":
            into = target.x - SCREEN.col_gap / 2
        elif target.id.startswith(PREFIX["exit"]):
            # An exit stands where its card would, among other exits and their joins.
            into = target.cx - SCREEN.card_w / 2 - SCREEN.col_gap / 2
        else:
            into = target.x - 12
        _, top, _, h = self.lane_bounds(source.lane)
        margin = top + SCREEN.lane_pad / 2 if target.cy < source.cy else top + h - SCREEN.lane_pad / 2
        return [
            (source.x + source.w, source.cy),
            (out, source.cy),
            (out, margin),
            (into, margin),
            (into, target.cy),
            (target.x, target.cy),
        ]

    def _flow(self, source: _Node, target: _Node) -> None:
        self.sequence.append(_Flow(f"{PREFIX['flow']}{source.id}--{target.id}", source.id, target.id))


# -- XML ---------------------------------------------------------------------------------------


def _sub(
    parent: etree._Element, namespace: str, tag: str, text: str | None = None, **attributes: str
) -> etree._Element:
    element = etree.SubElement(parent, _q(namespace, tag), {k: xml_safe(v) for k, v in attributes.items()})
    if text is not None:
        element.text = xml_safe(text)
    return element


def _describe(element: etree._Element, item: Item | None, extension: Sequence[etree._Element]) -> None:
    text = _documentation(item)
    if text:
        _sub(element, BPMN, "documentation", text)
    if extension:
        holder = _sub(element, BPMN, "extensionElements")
        holder.extend(extension)


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _bounds(parent: etree._Element, x: float, y: float, w: float, h: float) -> None:
    _sub(parent, DC, "Bounds", x=_num(x), y=_num(y), width=_num(w), height=_num(h))


def _waypoints(source: _Node, target: _Node, message: bool) -> list[tuple[float, float]]:
    """Orthogonal waypoints: sideways between nodes of one pool, up or down between pools."""
    if message:
        down = target.cy > source.cy
        sy = source.y + source.h if down else source.y
        ty = target.y if down else target.y + target.h
        mid = (sy + ty) / 2
        if abs(source.cx - target.cx) < 1:
            return [(source.cx, sy), (target.cx, ty)]
        return [(source.cx, sy), (source.cx, mid), (target.cx, mid), (target.cx, ty)]
    sx, tx = source.x + source.w, target.x
    if tx >= sx:
        if abs(source.cy - target.cy) < 1:
            return [(sx, source.cy), (tx, target.cy)]
        mid = (sx + tx) / 2
        return [(sx, source.cy), (mid, source.cy), (mid, target.cy), (tx, target.cy)]
    # Backwards (a loop): leave and arrive under the nodes.
    low = max(source.y + source.h, target.y + target.h) + 12
    return [
        (source.cx, source.y + source.h),
        (source.cx, low),
        (target.cx, low),
        (target.cx, target.y + target.h),
    ]


class _Obstacles:
    """The nodes of a diagram sorted by left edge, so that a route is tested only
    against the nodes whose columns it spans, not every node (a network of 10,000
    tasks has as many sequence flows as nodes)."""

    def __init__(self, nodes: list[_Node]) -> None:
        self.nodes = sorted(nodes, key=lambda n: n.x)
        self.lefts = [n.x for n in self.nodes]
        self.widest = max((n.w for n in self.nodes), default=0.0)

    def crossed(self, points: list[tuple[float, float]], *ends: _Node) -> bool:
        """Whether the route ``points`` passes through a node other than ``ends``."""
        for a, b in pairwise(points):
            # _crosses needs node.x < max x - 1 and node.x + node.w > min x + 1.
            first = bisect_left(self.lefts, min(a[0], b[0]) + 1 - self.widest)
            last = bisect_right(self.lefts, max(a[0], b[0]) - 1)
            if any(_crosses(a, b, n) for n in self.nodes[first:last] if all(n is not e for e in ends)):
                return True
        return False


def _crosses(a: tuple[float, float], b: tuple[float, float], node: _Node) -> bool:
    """Whether the axis-parallel segment ``a``-``b`` passes through ``node``'s interior."""
    return (
        min(a[0], b[0]) < node.x + node.w - 1
        and max(a[0], b[0]) > node.x + 1
        and min(a[1], b[1]) < node.y + node.h - 1
        and max(a[1], b[1]) > node.y + 1
    )


def _roster(workflow: Workflow, c: _Collaboration) -> list[etree._Element]:
    """``lc:role`` (and ``lc:organization``, ``lc:person``) for every role or person the
    exported tasks and handoffs name that has no lane here (a consulted role, say), so
    the import keeps the whole RACI and every handoff's two ends."""
    named: list[str] = []
    for node in c.nodes.values():
        for ext in node.extension:
            named += [
                r
                for key in ("owner", "responsible", "consulted", "informed")
                for r in ext.get(key, "").split()
            ]
            named += [r for actors in movers_from_text(ext.get("moved_by")).values() for r in actors]
    for flow in (*c.sequence, *c.messages):
        for ext in flow.extension:
            named += [r for key in ("from", "to") if (r := ext.get(key))]
    missing = [r for r in dict.fromkeys(named) if r in workflow.roles and r not in c.pool_of_lane]
    people = [p for p in dict.fromkeys(named) if p in workflow.people and p not in c.pool_of_lane]
    owners = [workflow.roles[r].org for r in missing] + [workflow.people[p].org for p in people]
    orgs = [o for o in dict.fromkeys(owners) if o not in c.pools]
    elements = [
        _lc(
            "organization",
            id=o,
            name=workflow.organizations[o].name,
            kind=workflow.organizations[o].kind.value,
        )
        for o in orgs
    ]
    elements += [_lc("role", id=r, org=workflow.roles[r].org, title=workflow.roles[r].title) for r in missing]
    # A handoff may name a person (the seed's unofficial "go-to"), who has no lane.
    elements += [_person(p, workflow.people[p]) for p in people]
    return elements


def _person(pid: str, person: Person) -> etree._Element:
    return _lc("person", id=pid, org=person.org, name=person.name, official=str(person.official).lower())


def _xml(workflow: Workflow, c: _Collaboration) -> bytes:
    root = etree.Element(
        _q(BPMN, "definitions"),
        nsmap=NSMAP,
        attrib={
            "id": f"Definitions_{workflow.id}",
            "targetNamespace": f"urn:lifecycle:workflow:{workflow.id}",
            "exporter": "lifecycle",
            "exporterVersion": "1",
        },
    )
    collaboration_id = PREFIX["collaboration"] + workflow.id
    collaboration = _sub(root, BPMN, "collaboration", id=collaboration_id, name=c.lane_map.title)
    scope = [_lc("workflow", id=workflow.id, title=workflow.title)]
    if c.journey is not None:
        journey = workflow.journeys[c.journey]
        kind = journey.kind.value if journey.kind is not JourneyKind.MEMBER else None
        scope.append(_lc("journey", id=c.journey, title=journey.title, start=journey.start, kind=kind))
    else:
        scope.extend(
            _lc("phase", id=b.key, title=workflow.phases[b.key].title, kind=workflow.phases[b.key].kind.value)
            for b in c.lane_map.blocks
        )
    scope.extend(_roster(workflow, c))
    _describe(collaboration, None, scope)

    lanes_of: dict[str, list[str]] = defaultdict(list)
    for lane in c.lane_map.lanes:
        lanes_of[c.pool_of_lane[lane.key]].append(lane.key)
    for pool in c.pools:
        org = workflow.organizations.get(pool)
        participant = _sub(
            collaboration,
            BPMN,
            "participant",
            id=PREFIX["participant"] + pool,
            name=org.name if org else "No owner",
            processRef=PREFIX["process"] + pool,
        )
        _describe(participant, org, [_lc("organization", kind=org.kind.value)] if org else [])
    for flow in c.messages:
        element = _sub(
            collaboration, BPMN, "messageFlow", id=flow.id, sourceRef=flow.source, targetRef=flow.target
        )
        if flow.name:
            element.set("name", xml_safe(flow.name))
        _describe(element, flow.item, flow.extension)
    if c.notes:
        note = _sub(collaboration, BPMN, "textAnnotation", id=PREFIX["annotation"] + "notes")
        _sub(note, BPMN, "text", "\n".join(line.strip() for line in c.notes))

    lane_titles = {lane.key: lane.title for lane in c.lane_map.lanes}
    # Each node's lane and flows looked up once, not by reading every node per lane
    # and every flow per node (10,000 of each on a large network).
    nodes_in_lane: dict[str, list[_Node]] = defaultdict(list)
    for node in c.nodes.values():
        nodes_in_lane[node.lane].append(node)
    incoming: dict[str, list[str]] = defaultdict(list)
    outgoing: dict[str, list[str]] = defaultdict(list)
    for flow in c.sequence:
        incoming[flow.target].append(flow.id)
        outgoing[flow.source].append(flow.id)
    for pool in c.pools:
        process = _sub(root, BPMN, "process", id=PREFIX["process"] + pool, isExecutable="true")
        lane_set = _sub(process, BPMN, "laneSet", id=PREFIX["laneset"] + pool)
        for lane_key in lanes_of[pool]:
            lane_element = _sub(
                lane_set, BPMN, "lane", id=PREFIX["lane"] + lane_key, name=lane_titles[lane_key]
            )
            person = workflow.people.get(lane_key)
            if person is None:
                _describe(lane_element, workflow.roles.get(lane_key), [])
            else:
                # A person relied on without a role has a lane of their own on the map;
                # the import must bring them back as the person they are, not a role.
                _describe(lane_element, person, [_person(lane_key, person)])
            for node in nodes_in_lane[lane_key]:
                _sub(lane_element, BPMN, "flowNodeRef", node.id)
        pool_nodes = [n for n in c.nodes.values() if n.pool == pool]
        pool_ids = {n.id for n in pool_nodes}
        for node in pool_nodes:
            element = _sub(process, BPMN, node.tag, id=node.id, name=node.name)
            _describe(element, node.item, node.extension)
            for flow_id in incoming[node.id]:
                _sub(element, BPMN, "incoming", flow_id)
            for flow_id in outgoing[node.id]:
                _sub(element, BPMN, "outgoing", flow_id)
            if node.definition:
                definition = _sub(element, BPMN, node.definition, id=f"{node.id}_definition")
                if node.condition:
                    condition = etree.SubElement(definition, _q(BPMN, "condition"))
                    condition.set(_q(XSI, "type"), "bpmn:tExpression")
                    condition.text = xml_safe(node.condition)
        for flow in c.sequence:
            if flow.source in pool_ids:
                element = _sub(
                    process, BPMN, "sequenceFlow", id=flow.id, sourceRef=flow.source, targetRef=flow.target
                )
                if flow.name:
                    element.set("name", xml_safe(flow.name))
                _describe(element, flow.item, flow.extension)

    diagram = _sub(root, BPMNDI, "BPMNDiagram", id=PREFIX["diagram"] + workflow.id)
    plane = _sub(diagram, BPMNDI, "BPMNPlane", id=PREFIX["plane"] + workflow.id, bpmnElement=collaboration_id)
    for pool in c.pools:
        shape = _sub(
            plane,
            BPMNDI,
            "BPMNShape",
            id=f"{PREFIX['participant']}{pool}_di",
            bpmnElement=PREFIX["participant"] + pool,
            isHorizontal="true",
        )
        _bounds(shape, *c.pool_bounds(pool))
        for lane_key in lanes_of[pool]:
            shape = _sub(
                plane,
                BPMNDI,
                "BPMNShape",
                id=f"{PREFIX['lane']}{lane_key}_di",
                bpmnElement=PREFIX["lane"] + lane_key,
                isHorizontal="true",
            )
            _bounds(shape, *c.lane_bounds(lane_key))
    for node in c.nodes.values():
        shape = _sub(plane, BPMNDI, "BPMNShape", id=f"{node.id}_di", bpmnElement=node.id)
        _bounds(shape, node.x, node.y, node.w, node.h)
    for flows, message in ((c.sequence, False), (c.messages, True)):
        for flow in flows:
            edge = _sub(plane, BPMNDI, "BPMNEdge", id=f"{flow.id}_di", bpmnElement=flow.id)
            points = flow.points or _waypoints(c.nodes[flow.source], c.nodes[flow.target], message)
            for x, y in points:
                _sub(edge, DI, "waypoint", x=_num(x), y=_num(y))
    if c.notes:
        bottom = max((y + h for _, y, _, h in (c.pool_bounds(p) for p in c.pools)), default=0.0)
        lines = len(c.notes)
        longest = max(len(line) for line in c.notes)
        shape = _sub(
            plane,
            BPMNDI,
            "BPMNShape",
            id=f"{PREFIX['annotation']}notes_di",
            bpmnElement=PREFIX["annotation"] + "notes",
        )
        _bounds(shape, SCREEN.org_w, bottom + 24, max(300.0, longest * 6.5), lines * NOTE_LINE_H + 12)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def export_bpmn(
    workflow: Workflow, *, phases: Sequence[str] | None = None, journey: str | None = None
) -> bytes:
    """The BPMN 2.0 XML of a workflow's swimlane map (or one journey's map).

    Parameters
    ----------
    workflow
        The workflow to export.
    phases
        The phases to export (all when empty or None), as on the swimlane map.
    journey
        Export this member journey instead of phases.

    Returns
    -------
    bytes
        A UTF-8 BPMN 2.0 document: a collaboration with one pool per
        organization, one lane per role, and diagram interchange for every shape
        and flow.

    Raises
    ------
    UnknownElement
        When a phase or the journey is not in the workflow.

    Examples
    --------
    >>> from lifecycle import load
    >>> xml = export_bpmn(load("workflows/payer-cbo-partnership.yaml").workflow, phases=["pre-launch"])
    >>> xml.startswith(b"<?xml")
    True
    """
    lane_map = journey_map(workflow, journey) if journey else swimlane_map(workflow, phases)
    return _xml(workflow, _Collaboration(workflow, lane_map, place(lane_map), journey))
