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

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

import networkx as nx

from lifecycle.drawing.labels import wrap
from lifecycle.drawing.lane_model import Card, LaneMap

__all__ = [
    "PRINT",
    "SCREEN",
    "Box",
    "Geometry",
    "Placed",
    "Spacing",
    "card_lines",
    "card_width",
    "label_lines",
    "place",
]

CHIP_W = 76.0
CHIP_WRAP = 14
CHIP_MAX_LINES = 3
CHIP_PAD = 5.0
ARROW_SLOT = 11.0
"""Room along a card's side for each arrow that meets it, so arrowheads never pile up."""
LINE_H = 12.5
RIGHT_MARGIN = 24.0
FOOTER_LINE_H = 13.0
ORG_LINE_H = 15.0
CHIP_SPACE = 6.0
"""Room between two chips side by side."""
CHIPS_A_ROW = 3
"""The most chips side by side, so the ties reaching over a row stay apart."""
TIE_ROW = 3.0
"""Distance between the ties that reach over a row of chips to its later chips."""
STACK_ROOM = 4.0
"""Room a lane gains to set a step apart from the neighbour a labelled stacked move joins it to."""
CHAR_W = 6.0
"""The most a character of a card's 10-point text takes (Helvetica's widest lower
case is 5.6 points), to size a card to its text without clipping it."""


@dataclass(frozen=True)
class Spacing:
    """The room a lane map leaves around and between its parts, in points.

    The defaults are the screen maps' (SVG, PNG, DOT); :data:`PRINT` is the
    denser layout of the map book, where a page holds only what fits at a
    readable size: the same text sizes in less white space.
    """

    org_w: float = 100.0
    """Width of the organization column at the left."""

    org_wrap: int = 12
    """Characters per line of an organization's label."""

    lane_w: float = 136.0
    """Width of the lane title column."""

    lane_wrap: int = 20
    """Characters per line of a lane's title."""

    card_w: float = 144.0
    """Width of a task or step card (the widest one, where cards fit their text)."""

    card_wrap: int = 24
    """Characters per line of a card's label."""

    card_max_lines: int = 6
    """The most lines of a card's label; a longer one ends in an ellipsis."""

    fit_cards: bool = False
    """Size each card to its text and each column to its widest card."""

    col_gap: float = 96.0
    """Room between two columns of cards, where the arrows run."""

    gate_gap: float = 132.0
    """Room for an exit gate between two blocks."""

    gate_wrap: int = 20
    """Characters per line of a gate's title."""

    gate_lines: int = 2
    """The most lines of a gate's title (its number of criteria takes one more)."""

    block_gap: float = 104.0
    """Room between two blocks with no gate: the line between them stands in its
    middle, clear of the arrow labels that sit on the corridor beside the last column."""

    header_h: float = 84.0
    """Height of the block headers above the lanes."""

    title_wrap: int = 30
    """Characters per line of the map's title, above the label strip."""

    lane_pad: float = 16.0
    """Room above and below the cards of a lane, where its streets run."""

    row_gap: float = 18.0
    """Room under each card of a cell."""

    chip_gap: float = 10.0
    """Room under each chip of a cell."""

    text_pad: float = 10.0
    """Room above and below a card's text."""

    track: float = 6.0
    """Distance between parallel arrows in one gap between columns."""

    street_inset: float = 8.0
    """How far inside its lane's edge a street runs."""

    street_track: float = 4.5
    """Distance between parallel arrows along one street."""

    label_wrap: int = 16
    """Characters per line of an arrow's label (three lines at most)."""

    chip_rows: bool = False
    """Put the chips of a cell side by side where they fit, not one under another."""

    chips_by_card: bool = False
    """Stack a cell's chips in the order of their cards' lanes, so their ties never cross."""

    labels_in_lanes: bool = False
    """Keep each arrow label inside one lane, as a page cut between lanes would cut it."""

    exits_a_column: int = 0
    """The most journey exits one lane stacks in a column (0: no limit): more go
    into columns beside it, so a lane that loses the member many ways stays short."""

    stack_moves: bool = False
    """Let a journey's move between two steps of one stage in different lanes run
    straight up or down one column, where nothing else stands in that column
    between them, instead of taking a column of its own."""


SCREEN = Spacing()
"""The screen maps' spacing."""

PRINT = Spacing(
    org_w=72.0,
    org_wrap=9,
    lane_w=90.0,
    lane_wrap=13,
    card_w=100.0,
    card_wrap=16,
    card_max_lines=9,
    fit_cards=True,
    col_gap=44.0,
    gate_gap=96.0,
    gate_wrap=14,
    gate_lines=3,
    block_gap=40.0,
    header_h=64.0,
    title_wrap=22,
    lane_pad=7.0,
    row_gap=8.0,
    chip_gap=5.0,
    text_pad=6.0,
    track=4.0,
    street_inset=3.0,
    street_track=2.5,
    label_wrap=12,
    chip_rows=True,
    chips_by_card=True,
    labels_in_lanes=True,
    exits_a_column=2,
    stack_moves=True,
)
"""The map book's spacing: narrower columns and gaps, a narrower label strip whose
titles wrap at word boundaries, less padding, and cards no wider than their text."""


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
    spacing: Spacing = SCREEN
    """The room between the parts that placed them."""

    column_w: dict[float, float] = field(default_factory=dict)
    """The width of each column's cards, by the x of its middle (rounded to 0.1)."""

    stacked: frozenset[tuple[str, str]] = frozenset()
    """The moves (tail, head) whose steps share a column: drawn straight up or down."""


def label_lines(text: str, width: int) -> list[str]:
    """``text`` wrapped at ``width`` characters, but only between words (or after a
    hyphen): a longer word widens every line rather than being cut."""
    longest = max((len(chunk) for chunk in re.findall(r"[^\s-]+-?", text)), default=0)
    return wrap(text, max(width, longest))


def card_lines(card: Card, spacing: Spacing = SCREEN) -> list[str]:
    """The wrapped lines of a card's label."""
    if card.kind == "chip":
        return wrap(card.label, CHIP_WRAP, max_lines=CHIP_MAX_LINES)
    return wrap(card.label, spacing.card_wrap, max_lines=spacing.card_max_lines)


def card_width(card: Card, spacing: Spacing = SCREEN, lines: Sequence[str] = ()) -> float:
    """How wide a card is drawn: chips are narrow tags; with ``spacing.fit_cards``
    a card of short ``lines`` is only as wide as they are."""
    widest = CHIP_W if card.kind == "chip" else spacing.card_w
    if not spacing.fit_cards or not lines:
        return widest
    # Chips' 9-point text takes nine tenths of the room of cards' 10-point text.
    per_char = CHAR_W * (0.9 if card.kind == "chip" else 1.0)
    return min(widest, max(len(line) for line in lines) * per_char + 2 * spacing.text_pad + 4)


def _longest_paths(
    nodes: Sequence[str], edges: Iterable[tuple[str, str]], flat: Collection[tuple[str, str]] = ()
) -> dict[str, int]:
    """Each node's depth: the most edges on a path from a node with no predecessor,
    an edge of ``flat`` counting none (its ends share a depth).

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
            depth[head] = max(depth[head], depth[key] + (0 if (key, head) in flat else 1))
            waiting[head] -= 1
            if waiting[head] == 0:
                ready.append(head)
    if done == len(succ):
        return depth
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(succ)
    graph.add_edges_from((tail, head) for tail, heads in succ.items() for head in heads)
    dag = nx.condensation(graph)
    home = dag.graph["mapping"]
    # A step between two components counts none only when every edge it stands for is flat.
    steps: dict[tuple[int, int], int] = {}
    for tail, heads in succ.items():
        for head in heads:
            pair = (home[tail], home[head])
            if pair[0] != pair[1]:
                steps[pair] = max(steps.get(pair, 0), 0 if (tail, head) in flat else 1)
    level: dict[int, int] = {}
    for node in nx.topological_sort(dag):
        level[node] = max((level[p] + steps[(p, node)] for p in dag.predecessors(node)), default=0)
    return {key: level[node] for node, members in dag.nodes(data="members") for key in members}


def _columns(lane_map: LaneMap, stack: bool = False) -> tuple[dict[str, int], frozenset[tuple[str, str]]]:
    """Column of each card within its block: longest path over the block's links.

    A chip attached to a card shares its column (its links count as the card's);
    a free chip that only feeds others stands one column before the first of them.
    With ``stack``, a move between two journey steps of one block in different
    lanes keeps its steps in one column where :func:`_stackable` allows it; those
    moves are returned too.
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
    stacked: set[tuple[str, str]] = set()
    for block in lane_map.blocks:
        pairs = edges[block.key]
        flat = _stackable(lane_map, block.key, list(pairs)) if stack else set()
        while True:
            found = _longest_paths(nodes[block.key], pairs, flat)
            crowded = {pair for pair in flat if not _clear(lane_map, found, pair)}
            if not crowded:
                break
            flat -= crowded
        column.update(found)
        stacked |= flat
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
    return column, frozenset(stacked)


def _deal_exits(lane_map: LaneMap, column: dict[str, int], most: int) -> None:
    """Deal the exits of a block of exits alone (none leads on) into columns of
    ``most`` a lane, in the order the map lists them."""
    blocks = {c.block for c in lane_map.cards if c.kind == "exit"}
    for block in blocks:
        members = [c for c in lane_map.cards if c.block == block]
        if any(c.kind != "exit" or column[c.key] for c in members):
            continue
        count: dict[str, int] = defaultdict(int)
        for card in members:
            column[card.key] = count[card.lane] // most
            count[card.lane] += 1


def _stackable(lane_map: LaneMap, block: str, pairs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
    """The moves of ``block`` that may run straight up or down one column: between
    two steps in different lanes, the only move out of the one and into the other
    within the block, not part of a loop, and no step's top or bottom meeting two
    such moves (a chain of them runs one way)."""
    by_key = {c.key: c for c in lane_map.cards}
    at = {lane.key: i for i, lane in enumerate(lane_map.lanes)}
    outs: dict[str, int] = defaultdict(int)
    ins: dict[str, int] = defaultdict(int)
    for tail, head in pairs:
        outs[tail] += 1
        ins[head] += 1
    looped = {(head, tail) for tail, head in pairs}
    used: set[tuple[str, bool]] = set()
    """(step, its bottom side) of every step side a stacked move meets."""
    found: set[tuple[str, str]] = set()
    for tail, head in pairs:
        a, b = by_key[tail], by_key[head]
        down = at[b.lane] > at[a.lane]
        sides = {(tail, down), (head, not down)}
        if (
            a.kind == b.kind == "step"
            and a.lane != b.lane
            and outs[tail] == 1
            and ins[head] == 1
            and (tail, head) not in looped
            and not sides & used
        ):
            found.add((tail, head))
            used |= sides
    return found


def _clear(lane_map: LaneMap, column: dict[str, int], pair: tuple[str, str]) -> bool:
    """Whether the column of a stacked move holds nothing but its two steps from
    the one's lane to the other's, so the arrow between them crosses no card."""
    by_key = {c.key: c for c in lane_map.cards}
    tail, head = by_key[pair[0]], by_key[pair[1]]
    if column[tail.key] != column[head.key]:
        return False
    at = {lane.key: i for i, lane in enumerate(lane_map.lanes)}
    low, high = sorted((at[tail.lane], at[head.lane]))
    for card in lane_map.cards:
        if card.key in pair or card.block != tail.block:
            continue
        col = column.get(card.attached_to or card.key)
        if col == column[tail.key] and low <= at[card.lane] <= high:
            return False
    return True


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


def _packable(lane_map: LaneMap) -> set[str]:
    """The chips that may share a row: tied to a task and meeting no arrow, which
    would run through its neighbours to reach it."""
    arrow_ends = {end for link in lane_map.links if link.kind != "tie" for end in (link.tail, link.head)}
    return {c.key for c in lane_map.cards if c.kind == "chip" and c.attached_to and c.key not in arrow_ends}


def _rows(keys: Sequence[str], width: dict[str, float], room: float, packable: set[str]) -> list[list[str]]:
    """The rows of a cell's cards, top to bottom: each card alone, but packable chips
    side by side as long as they fit the column's width (:data:`CHIPS_A_ROW` at most)."""
    found: list[list[str]] = []
    for key in keys:
        last = found[-1] if found else []
        if (
            key in packable
            and last
            and last[0] in packable
            and len(last) < CHIPS_A_ROW
            and sum(width[k] + CHIP_SPACE for k in last) + width[key] <= room
        ):
            last.append(key)
        else:
            found.append([key])
    return found


def place(lane_map: LaneMap, footer: Sequence[str] = (), spacing: Spacing = SCREEN) -> Geometry:
    """Compute the geometry of ``lane_map``.

    Parameters
    ----------
    lane_map
        The lanes, blocks, cards and links to place.
    footer
        The text lines of the footer under the lanes (none: no footer).
    spacing
        The room between the parts (:data:`SCREEN` or :data:`PRINT`).

    Returns
    -------
    Geometry
        Boxes for every card, lane band, header and gate.
    """
    sp = spacing
    column, stacked = _columns(lane_map, sp.stack_moves)
    if sp.exits_a_column:
        _deal_exits(lane_map, column, sp.exits_a_column)
    ncols = dict.fromkeys((b.key for b in lane_map.blocks), 1)
    for c in lane_map.cards:
        if c.block in ncols:
            ncols[c.block] = max(ncols[c.block], column[c.key] + 1)
    lines = {c.key: card_lines(c, sp) for c in lane_map.cards}
    card_w = {c.key: card_width(c, sp, lines[c.key]) for c in lane_map.cards}
    card_h = {
        c.key: len(lines[c.key]) * LINE_H + 2 * (CHIP_PAD if c.kind == "chip" else sp.text_pad)
        for c in lane_map.cards
    }
    ends: dict[str, int] = defaultdict(int)
    for link in lane_map.links:
        # A stacked move meets its steps' top and bottom, not the sides' arrow slots.
        if link.kind != "tie" and (link.tail, link.head) not in stacked:
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
    by_key = {c.key: c for c in lane_map.cards}
    if sp.chips_by_card:
        # Chips in the order of their cards' lanes, top down: the ties from a card
        # above reach the upper chips and those from below the lower, never crossing.
        lane_at = {lane.key: i for i, lane in enumerate(lane_map.lanes)}

        def lane_of_card(key: str) -> int:
            card = by_key[key]
            return lane_at[by_key[card.attached_to].lane if card.attached_to else card.lane]

        for where, keys in cells.items():
            chips = sorted((k for k in keys if kind_of[k] == "chip"), key=lane_of_card)
            cells[where] = [k for k in keys if kind_of[k] != "chip"] + chips

    # Each column is as wide as its widest card (every card's width on screen).
    width_of: dict[tuple[str, int], float] = {}
    for c in lane_map.cards:
        cell = (c.block, column[c.key])
        width_of[cell] = max(width_of.get(cell, 0.0), card_w[c.key] if sp.fit_cards else sp.card_w)
    packable = _packable(lane_map) if sp.chip_rows else set()
    rows = {cell: _rows(keys, card_w, width_of[cell[1:]], packable) for cell, keys in cells.items()}

    def slot(row: list[str]) -> float:
        """A row's height with the room under it; a row of several chips keeps room
        above and below for the ties that reach over it to its later chips."""
        gap = sp.chip_gap + 2 * TIE_ROW * (len(row) - 1) if kind_of[row[0]] == "chip" else sp.row_gap
        return max(card_h[k] for k in row) + gap

    # The two steps of a labelled stacked move between neighbouring lanes stand
    # apart, away from each other in lanes made taller for it, so the short arrow
    # and its label beside it both show.
    lane_at = {lane.key: i for i, lane in enumerate(lane_map.lanes)}
    ends_of: dict[str, list[bool]] = defaultdict(list)
    for link in lane_map.links:
        tail, head = link.tail, link.head
        if link.label and (tail, head) in stacked:
            down = lane_at[by_key[head].lane] > lane_at[by_key[tail].lane]
            if abs(lane_at[by_key[head].lane] - lane_at[by_key[tail].lane]) == 1:
                ends_of[tail].append(down)
                ends_of[head].append(not down)
    apart = {key: sides[0] for key, sides in ends_of.items() if len(sides) == 1}

    inner = {lane.key: 2 * sp.text_pad + LINE_H + sp.row_gap for lane in lane_map.lanes}
    for (lane_key, _, _), cell_rows in rows.items():
        room = STACK_ROOM if len(cell_rows) == 1 and cell_rows[0][0] in apart else 0.0
        inner[lane_key] = max(inner[lane_key], sum(slot(r) for r in cell_rows) + room)

    # x: org column, lane header column, then the blocks with a gap for each gate;
    # each column is its cards with half a gap on either side.
    block_x: dict[str, float] = {}
    block_w: dict[str, float] = {}
    centre: dict[tuple[str, int], float] = {}
    column_w: dict[float, float] = {}
    x = sp.org_w + sp.lane_w
    boundaries: list[tuple[float, bool]] = []
    for block in lane_map.blocks:
        block_x[block.key] = x
        for col in range(ncols[block.key]):
            w = width_of.get((block.key, col), sp.card_w)
            centre[(block.key, col)] = x + sp.col_gap / 2 + w / 2
            column_w[round(centre[(block.key, col)], 1)] = w
            x += w + sp.col_gap
        block_w[block.key] = x - block_x[block.key]
        if block.gate is not None:
            boundaries.append((x + sp.gate_gap / 2, True))
            x += sp.gate_gap
        else:
            boundaries.append((x + sp.block_gap / 2, False))
            x += sp.block_gap
    # The footer's longest line may be wider than the lanes (about 0.6 em per character).
    width = max(x + RIGHT_MARGIN, max((len(line) for line in footer), default=0) * 6.0 + 32)
    if boundaries and lane_map.blocks[-1].gate is None:
        boundaries.pop()
        x -= sp.block_gap

    footer_h = len(footer) * FOOTER_LINE_H + 2 * sp.text_pad if footer else 0.0
    lane_h = {lane.key: inner[lane.key] + 2 * sp.lane_pad for lane in lane_map.lanes}
    for lane in lane_map.lanes:
        # Room for the lane's own title in the label column.
        lines_of_title = len(label_lines(lane.title, sp.lane_wrap)) + (1 if lane.unofficial else 0)
        need = lines_of_title * LINE_H + 2 * sp.text_pad + 8
        lane_h[lane.key] = max(lane_h[lane.key], need)
    # An organization with few lanes still needs room for its name in the left column.
    for members, text in _org_runs(lane_map):
        need = len(label_lines(text, sp.org_wrap)) * ORG_LINE_H + 24
        have = sum(lane_h[key] for key in members)
        for key in members:
            lane_h[key] += max(0.0, need - have) / len(members)
    lanes_h = sum(lane_h.values())
    height = sp.header_h + lanes_h + footer_h

    lane_box: dict[str, Box] = {}
    top = height - sp.header_h
    for lane in lane_map.lanes:
        h = lane_h[lane.key]
        lane_box[lane.key] = Box(width / 2, top - h / 2, width, h)
        top -= h

    placed: dict[str, Placed] = {}
    for (lane_key, block_key, col), cell_rows in rows.items():
        band = lane_box[lane_key]
        high = sum(slot(r) for r in cell_rows)
        # Centre a short stack in a tall lane so arrows stay level where they can.
        top = band.y + high / 2
        if len(cell_rows) == 1 and cell_rows[0][0] in apart:
            # Away from the neighbour it meets below (True) or above.
            below = apart[cell_rows[0][0]]
            top = band.bb[3] - sp.lane_pad if below else band.bb[1] + sp.lane_pad + high
        cx = centre[(block_key, col)]
        for row in cell_rows:
            y = top - slot(row) / 2
            x = cx - (sum(card_w[k] for k in row) + CHIP_SPACE * (len(row) - 1)) / 2
            for key in row:
                box = Box(cx if len(row) == 1 else x + card_w[key] / 2, y, card_w[key], card_h[key])
                placed[key] = Placed(by_key[key], lines[key], box)
                x += card_w[key] + CHIP_SPACE
            top -= slot(row)

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
                    Box(sp.org_w / 2, (top_y + bottom_y) / 2, sp.org_w - 8, top_y - bottom_y - 8),
                )
            )

    lane_headers = {
        key: Box(sp.org_w + sp.lane_w / 2, band.y, sp.lane_w - 8, band.h - 8)
        for key, band in lane_box.items()
    }
    header_y = height - sp.header_h / 2
    blocks: dict[str, Box] = {}
    gates: dict[str, Box] = {}
    for block in lane_map.blocks:
        w = block_w[block.key]
        blocks[block.key] = Box(block_x[block.key] + w / 2, header_y, w - 12, sp.header_h - 16)
        if block.gate is not None:
            gates[block.key] = Box(
                block_x[block.key] + w + sp.gate_gap / 2, header_y, sp.gate_gap - 8, sp.header_h - 20
            )
    footer_box = Box(width / 2, footer_h / 2 - 4, width - 16, footer_h - 16) if footer_h else None
    return Geometry(
        width,
        height,
        placed,
        lane_box,
        orgs,
        lane_headers,
        blocks,
        gates,
        boundaries,
        footer_box,
        sp,
        column_w,
        stacked,
    )
