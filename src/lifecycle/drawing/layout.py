"""Place a :class:`~lifecycle.drawing.lane_model.LaneMap` on a grid: lanes are true bands.

Graphviz clusters are "the smallest box around their nodes", and one cluster per
lane stops scaling near 500 tasks (measured with Graphviz 2.43: 400 tasks in 40 lanes
take 2 s, 500 in 50 did not finish in 13 minutes). So positions are computed
here instead: each block's columns come from the longest path through its links
(on the condensation where a journey loops, so loops cannot break it), each lane's
height from the most cards that share one of its cells, and every lane is a band
from the left edge of the map to the right edge. The arrows are routed too
(:mod:`lifecycle.drawing.route`), so Graphviz (``neato -n2``) only draws.

Coordinates are Graphviz points (1/72 inch) with y growing upwards.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx

from lifecycle.drawing.labels import wrap
from lifecycle.drawing.lane_model import Card, LaneMap

__all__ = ["Box", "Geometry", "Placed", "card_lines", "card_width", "place"]

ORG_W = 100.0
LANE_W = 136.0
CARD_W = 144.0
CARD_WRAP = 24
CARD_MAX_LINES = 6
CHIP_W = 76.0
CHIP_WRAP = 14
CHIP_MAX_LINES = 3
CHIP_PAD = 5.0
CHIP_GAP = 10.0
COL_GAP = 96.0
GATE_GAP = 132.0
BLOCK_GAP = 104.0
"""Room between two blocks with no gate: the line between them stands in its middle,
clear of the arrow labels that sit on the corridor beside the last column."""
ARROW_SLOT = 11.0
"""Room along a card's side for each arrow that meets it, so arrowheads never pile up."""
HEADER_H = 84.0
LANE_PAD = 16.0
ROW_GAP = 18.0
LINE_H = 12.5
TEXT_PAD = 10.0
RIGHT_MARGIN = 24.0
FOOTER_LINE_H = 13.0
ORG_WRAP = 12
ORG_LINE_H = 15.0


@dataclass(frozen=True)
class Box:
    """A rectangle by its centre and size."""

    x: float
    y: float
    w: float
    h: float

    @property
    def bb(self) -> tuple[float, float, float, float]:
        """(left, bottom, right, top)."""
        return (self.x - self.w / 2, self.y - self.h / 2, self.x + self.w / 2, self.y + self.h / 2)


@dataclass(frozen=True)
class Placed:
    """A card with its wrapped lines and its box."""

    card: Card
    lines: list[str]
    box: Box


@dataclass
class Geometry:
    """Where everything goes."""

    width: float
    height: float
    cards: dict[str, Placed]
    lanes: dict[str, Box]
    """Each lane's band (full map width)."""

    orgs: list[tuple[str, str, Box]]
    """(org id or "", header text, header box) per run of lanes of one organization."""

    lane_headers: dict[str, Box]
    blocks: dict[str, Box]
    """Each block's header box."""

    gates: dict[str, Box]
    """Each block's gate box, keyed by block key."""

    boundaries: list[tuple[float, bool]]
    """x of every vertical line between blocks, and whether a gate stands on it."""

    footer: Box | None


def card_lines(card: Card) -> list[str]:
    """The wrapped lines of a card's label."""
    if card.kind == "chip":
        return wrap(card.label, CHIP_WRAP, max_lines=CHIP_MAX_LINES)
    return wrap(card.label, CARD_WRAP, max_lines=CARD_MAX_LINES)


def card_width(card: Card) -> float:
    """How wide a card is drawn: chips are narrow tags."""
    return CHIP_W if card.kind == "chip" else CARD_W


def _longest_paths(nodes: Sequence[str], edges: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Each node's depth: the most edges on a path from a node with no predecessor.

    Cycles (a journey's loops) count as one node: when the graph has one, the
    depths are those of its condensation. Without cycles (every swimlane map of
    tasks) they are computed directly, in linear time and without networkx,
    whose graph building was half the layout time of a large map.
    """
    succ: dict[str, list[str]] = {key: [] for key in nodes}
    indegree = dict.fromkeys(nodes, 0)
    for tail, head in edges:
        succ.setdefault(tail, [])
        succ.setdefault(head, [])
        indegree.setdefault(tail, 0)
        succ[tail].append(head)
        indegree[head] = indegree.get(head, 0) + 1
    depth = dict.fromkeys(succ, 0)
    waiting = dict(indegree)
    ready = [key for key, count in waiting.items() if count == 0]
    done = 0
    while ready:
        key = ready.pop()
        done += 1
        for head in succ[key]:
            depth[head] = max(depth[head], depth[key] + 1)
            waiting[head] -= 1
            if waiting[head] == 0:
                ready.append(head)
    if done == len(succ):
        return depth
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(succ)
    graph.add_edges_from((tail, head) for tail, heads in succ.items() for head in heads)
    dag = nx.condensation(graph)
    level: dict[int, int] = {}
    for node in nx.topological_sort(dag):
        level[node] = max((level[p] + 1 for p in dag.predecessors(node)), default=0)
    return {key: level[node] for node, members in dag.nodes(data="members") for key in members}


def _columns(lane_map: LaneMap) -> dict[str, int]:
    """Column of each card within its block: longest path over the block's links.

    A chip attached to a card shares its column (its links count as the card's);
    a free chip that only feeds others stands one column before the first of them.
    """
    block_of = {c.key: c.block for c in lane_map.cards}
    owner = {c.key: c.attached_to or c.key for c in lane_map.cards}
    free = {c.key for c in lane_map.cards if c.kind == "chip" and c.attached_to is None}
    nodes: dict[str, list[str]] = defaultdict(list)
    for card in lane_map.cards:
        if card.attached_to is None:
            nodes[card.block].append(card.key)
    # Dicts as ordered sets: one edge per pair of cards, in the order the links come.
    edges: dict[str, dict[tuple[str, str], None]] = defaultdict(dict)
    for link in lane_map.links:
        home = block_of.get(link.tail)
        if home is not None and home == block_of.get(link.head) and owner[link.tail] != owner[link.head]:
            edges[home][(owner[link.tail], owner[link.head])] = None
    column: dict[str, int] = {}
    for block in lane_map.blocks:
        pairs = edges[block.key]
        column.update(_longest_paths(nodes[block.key], pairs))
        feeds: dict[str, list[str]] = defaultdict(list)
        fed: set[str] = set()
        for tail, head in pairs:
            feeds[tail].append(head)
            fed.add(head)
        for key in free & feeds.keys():
            if key not in fed:
                column[key] = max(0, min(column[s] for s in feeds[key]) - 1)
    for card in lane_map.cards:
        if card.attached_to is not None:
            column[card.key] = column.get(card.attached_to, 0)
    return column


def _org_runs(lane_map: LaneMap) -> list[tuple[list[str], str]]:
    """The lane keys of each run of one organization's lanes, with the org header text."""
    runs: list[tuple[list[str], str]] = []
    for i, lane in enumerate(lane_map.lanes):
        if i == 0 or lane_map.lanes[i - 1].org != lane.org:
            kind = lane.org_kind.replace("-", " ")
            text = f"{lane.org_title}\n({kind})" if lane.org else lane.org_title
            runs.append(([], text))
        runs[-1][0].append(lane.key)
    return runs


def place(lane_map: LaneMap, footer: Sequence[str] = ()) -> Geometry:
    """Compute the geometry of ``lane_map``.

    Parameters
    ----------
    lane_map
        The lanes, blocks, cards and links to place.
    footer
        The text lines of the footer under the lanes (none: no footer).

    Returns
    -------
    Geometry
        Boxes for every card, lane band, header and gate.
    """
    column = _columns(lane_map)
    ncols = dict.fromkeys((b.key for b in lane_map.blocks), 1)
    for c in lane_map.cards:
        if c.block in ncols:
            ncols[c.block] = max(ncols[c.block], column[c.key] + 1)
    lines = {c.key: card_lines(c) for c in lane_map.cards}
    card_h = {
        c.key: len(lines[c.key]) * LINE_H + 2 * (CHIP_PAD if c.kind == "chip" else TEXT_PAD)
        for c in lane_map.cards
    }
    ends: dict[str, int] = defaultdict(int)
    for link in lane_map.links:
        if link.kind != "tie":
            ends[link.tail + ">"] += 1
            ends["<" + link.head] += 1
    for key in card_h:
        busiest = max(ends[key + ">"], ends["<" + key])
        card_h[key] = max(card_h[key], busiest * ARROW_SLOT + 8)
    # Cards sharing a cell stack vertically, in the order the map lists them; a
    # stack is as tall as its cards (chips are slim), a lane as its tallest stack.
    cells: dict[tuple[str, str, int], list[str]] = defaultdict(list)
    for c in lane_map.cards:
        cells[(c.lane, c.block, column[c.key])].append(c.key)
    kind_of = {c.key: c.kind for c in lane_map.cards}

    def slot(key: str) -> float:
        return card_h[key] + (CHIP_GAP if kind_of[key] == "chip" else ROW_GAP)

    inner = {lane.key: 2 * TEXT_PAD + LINE_H + ROW_GAP for lane in lane_map.lanes}
    for (lane_key, _, _), keys in cells.items():
        inner[lane_key] = max(inner[lane_key], sum(slot(k) for k in keys))

    # x: org column, lane header column, then the blocks with a gap for each gate.
    block_x: dict[str, float] = {}
    x = ORG_W + LANE_W
    boundaries: list[tuple[float, bool]] = []
    col_w = CARD_W + COL_GAP
    for block in lane_map.blocks:
        block_x[block.key] = x
        x += ncols[block.key] * col_w
        if block.gate is not None:
            boundaries.append((x + GATE_GAP / 2, True))
            x += GATE_GAP
        else:
            boundaries.append((x + BLOCK_GAP / 2, False))
            x += BLOCK_GAP
    # The footer's longest line may be wider than the lanes (about 0.6 em per character).
    width = max(x + RIGHT_MARGIN, max((len(line) for line in footer), default=0) * 6.0 + 32)
    if boundaries and lane_map.blocks[-1].gate is None:
        boundaries.pop()
        x -= BLOCK_GAP

    footer_h = len(footer) * FOOTER_LINE_H + 2 * TEXT_PAD if footer else 0.0
    lane_h = {lane.key: inner[lane.key] + 2 * LANE_PAD for lane in lane_map.lanes}
    # An organization with few lanes still needs room for its name in the left column.
    for members, text in _org_runs(lane_map):
        need = len(wrap(text, ORG_WRAP)) * ORG_LINE_H + 24
        have = sum(lane_h[key] for key in members)
        for key in members:
            lane_h[key] += max(0.0, need - have) / len(members)
    lanes_h = sum(lane_h.values())
    height = HEADER_H + lanes_h + footer_h

    lane_box: dict[str, Box] = {}
    top = height - HEADER_H
    for lane in lane_map.lanes:
        h = lane_h[lane.key]
        lane_box[lane.key] = Box(width / 2, top - h / 2, width, h)
        top -= h

    by_key = {c.key: c for c in lane_map.cards}
    placed: dict[str, Placed] = {}
    for (lane_key, block_key, col), keys in cells.items():
        band = lane_box[lane_key]
        # Centre a short stack in a tall lane so arrows stay level where they can.
        top = band.y + sum(slot(k) for k in keys) / 2
        cx = block_x[block_key] + col * col_w + col_w / 2
        for key in keys:
            card = by_key[key]
            box = Box(cx, top - slot(key) / 2, card_width(card), card_h[key])
            placed[key] = Placed(card, lines[key], box)
            top -= slot(key)

    orgs: list[tuple[str, str, Box]] = []
    lane_by_key = {la.key: la for la in lane_map.lanes}
    for run, text in _org_runs(lane_map):
        if run:
            lane = lane_by_key[run[0]]
            top_y = lane_box[run[0]].bb[3]
            bottom_y = lane_box[run[-1]].bb[1]
            orgs.append(
                (
                    lane.org or "",
                    text,
                    Box(ORG_W / 2, (top_y + bottom_y) / 2, ORG_W - 8, top_y - bottom_y - 8),
                )
            )

    lane_headers = {
        key: Box(ORG_W + LANE_W / 2, band.y, LANE_W - 8, band.h - 8) for key, band in lane_box.items()
    }
    header_y = height - HEADER_H / 2
    blocks: dict[str, Box] = {}
    gates: dict[str, Box] = {}
    for block in lane_map.blocks:
        w = ncols[block.key] * col_w
        blocks[block.key] = Box(block_x[block.key] + w / 2, header_y, w - 12, HEADER_H - 16)
        if block.gate is not None:
            gates[block.key] = Box(
                block_x[block.key] + w + GATE_GAP / 2, header_y, GATE_GAP - 8, HEADER_H - 20
            )
    footer_box = Box(width / 2, footer_h / 2 - 4, width - 16, footer_h - 16) if footer_h else None
    return Geometry(
        width, height, placed, lane_box, orgs, lane_headers, blocks, gates, boundaries, footer_box
    )
