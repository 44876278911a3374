"""Route the arrows of a lane map along the free corridors of its grid.

Graphviz's obstacle-avoiding router (``splines=true`` under ``neato -n2``) took
32 s on a 200-task map here, against 0.2 s for laying out the same graph with
flat ``dot``. The grid leaves two kinds of corridor free of cards, so arrows are
routed orthogonally there instead, in linear time:

- the gap beside every column (vertical segments);
- a street just inside the top or bottom edge of every lane (horizontal segments).

An arrow leaves its tail card on the right, drops or climbs in the gap after the
tail's column to the street of the head's lane, runs along it to the gap before
the head's column, and enters the head card from the left (a move between two steps that share a column, in
a printed journey, runs straight down or up between them). Arrows sharing a
corridor get separate tracks, and arrows sharing a card side spread along it, so
a bundle stays readable. Cards next to each other in one row are joined by a
straight arrow. A card's dotted ties to its chips run just left of its column.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from lifecycle.drawing.lane_model import Link
from lifecycle.drawing.layout import ARROW_SLOT, TIE_ROW, Box, Geometry

__all__ = ["Route", "route_links"]

STREET_TRACKS = 4
"""Tracks per street before they are reused (they fit between the edge and the cards)."""

TIE_INSET = 10.0
"""How far left of a card its ties to its chips run (arrows keep to the gap's middle)."""

ARROW = 9.0
"""Length of the arrowhead Graphviz draws after the spline's last point."""


@dataclass(frozen=True)
class Route:
    """One arrow's path in Graphviz ``pos`` syntax, and where its label would go."""

    pos: str
    label_at: tuple[float, float]
    points: tuple[tuple[float, float], ...] = ()
    """The corners of the path, from tail to the arrowhead's base."""


def _tracks(index: int, spacing: float, limit: int) -> float:
    """Offsets 0, +1, -1, +2, -2 ... tracks, wrapping after ``limit`` tracks."""
    k = index % limit
    step = (k + 1) // 2
    return step * spacing * (1 if k % 2 else -1)


def _spread(count: int, index: int, height: float) -> float:
    """Where the ``index``-th of ``count`` arrows meets a card side of ``height``."""
    if count <= 1:
        return 0.0
    usable = min(height - 12.0, (ARROW_SLOT - 1) * (count - 1))
    return usable / 2 - index * usable / (count - 1)


def _spline(points: Sequence[tuple[float, float]], end: tuple[float, float]) -> str:
    """Straight segments through ``points`` as a cubic B-spline ending in an arrow at ``end``."""
    x0, y0 = points[0]
    parts = [f"e,{end[0]:.1f},{end[1]:.1f} {x0:.1f},{y0:.1f}"]
    # A large map has some 100,000 segments, nearly all level or upright: the
    # coordinate they keep is written once (x0 + 0 / 3 is x0 exactly).
    for x1, y1 in points[1:]:
        if x1 == x0:
            x = f"{x1:.1f}"
            parts.append(f"{x},{y0 + (y1 - y0) / 3:.1f} {x},{y0 + 2 * (y1 - y0) / 3:.1f} {x},{y1:.1f}")
        elif y1 == y0:
            y = f"{y1:.1f}"
            parts.append(f"{x0 + (x1 - x0) / 3:.1f},{y} {x0 + 2 * (x1 - x0) / 3:.1f},{y} {x1:.1f},{y}")
        else:
            parts.append(
                f"{x0 + (x1 - x0) / 3:.1f},{y0 + (y1 - y0) / 3:.1f} "
                f"{x0 + 2 * (x1 - x0) / 3:.1f},{y0 + 2 * (y1 - y0) / 3:.1f} {x1:.1f},{y1:.1f}"
            )
        x0, y0 = x1, y1
    return " ".join(parts)


def _path(points: Sequence[tuple[float, float]]) -> str:
    """Straight segments through ``points`` as a cubic B-spline with no arrowhead."""
    return _spline(points, points[-1]).split(" ", 1)[1]


def _tie(card: Box, chip: Box, track: int, spacing: float, column_w: float, beside: int = 0) -> Route:
    """A card's dotted tie to one of its chips: out of the card's left side near the
    chip's edge, down or up just left of the column (each card of a column on its
    own ``track``; clear of the column's widest card), into the chip's left side. A
    chip with ``beside`` chips left of it in its row is reached over them instead,
    into its top or bottom."""
    below = chip.y < card.y
    y0 = card.bb[1] + 5 if below else card.bb[3] - 5
    x = min(card.bb[0], card.x - column_w / 2) - TIE_INSET - spacing * (track % 5)
    if beside:
        edge = chip.bb[3] if below else chip.bb[1]
        over = edge + (1 if below else -1) * TIE_ROW * beside
        points = [(card.bb[0], y0), (x, y0), (x, over), (chip.x, over), (chip.x, edge)]
        return Route(_path(points), (x, (y0 + over) / 2))
    points = [(card.bb[0], y0), (x, y0), (x, chip.y), (chip.bb[0], chip.y)]
    return Route(_path(points), (x, (y0 + chip.y) / 2))


def _upright(a: Box, b: Box) -> Route:
    """A move between two steps of one column: straight down or up from the one's
    bottom or top to the other's, the only arrow to meet either side."""
    down = b.y < a.y
    start = (a.x, a.bb[1] if down else a.bb[3])
    end = (b.x, b.bb[3] if down else b.bb[1])
    tip = (end[0], end[1] + (ARROW if down else -ARROW))
    points = [start, tip]
    return Route(_spline(points, end), (a.x, (start[1] + end[1]) / 2), tuple(points))


class _Rows:
    """The cards of each lane from left to right: is a straight arrow along a row clear?

    Only a card of the arrow's own lane can stand in its way (every card lies inside
    its lane's band), and only one centred between the arrow's ends, so each question
    looks at those cards alone rather than at every card of the map.
    """

    def __init__(self, geo: Geometry, lane_of: dict[str, str]) -> None:
        by_lane: dict[str, list[Box]] = defaultdict(list)
        for key, placed in geo.cards.items():
            by_lane[lane_of[key]].append(placed.box)
        self.boxes = {lane: sorted(boxes, key=lambda box: box.x) for lane, boxes in by_lane.items()}
        self.xs = {lane: [box.x for box in boxes] for lane, boxes in self.boxes.items()}

    def clear(self, lane: str, y: float, x0: float, x1: float) -> bool:
        """True when no card of ``lane`` centred strictly between ``x0`` and ``x1`` spans ``y``."""
        xs = self.xs[lane]
        between = self.boxes[lane][bisect.bisect_right(xs, x0) : bisect.bisect_left(xs, x1)]
        return not any(box.bb[1] < y < box.bb[3] for box in between)


def route_links(geo: Geometry, links: Sequence[Link], lane_of: dict[str, str]) -> dict[str, Route]:
    """Route every link whose cards are placed.

    Parameters
    ----------
    geo
        The placed map.
    links
        The arrows, in drawing order (which also fixes their tracks).
    lane_of
        The lane key of each card.

    Returns
    -------
    dict of str to Route
        By link key.
    """
    placed = [link for link in links if link.tail in geo.cards and link.head in geo.cards]
    sp = geo.spacing
    column: dict[int, list[str]] = defaultdict(list)
    for tail in sorted(
        {link.tail for link in placed if link.kind == "tie"}, key=lambda k: -geo.cards[k].box.y
    ):
        column[round(geo.cards[tail].box.x)].append(tail)
    track = {tail: i for tails in column.values() for i, tail in enumerate(tails)}
    # Chips side by side in a row: how many stand left of each.
    row_of: dict[tuple[str, float, float], list[str]] = defaultdict(list)
    for link in placed:
        if link.kind == "tie":
            chip = geo.cards[link.head].box
            row_of[lane_of[link.head], round(chip.y, 1), round(geo.cards[link.tail].box.x, 1)].append(
                link.head
            )
    beside = {
        key: i
        for keys in row_of.values()
        for i, key in enumerate(sorted(keys, key=lambda k: geo.cards[k].box.x))
    }
    routes: dict[str, Route] = {
        link.key: _tie(
            geo.cards[link.tail].box,
            geo.cards[link.head].box,
            track[link.tail],
            sp.track,
            geo.column_w.get(round(geo.cards[link.tail].box.x, 1), sp.card_w),
            beside[link.head],
        )
        for link in placed
        if link.kind == "tie"
    }
    for link in placed:
        if (link.tail, link.head) in geo.stacked:
            routes[link.key] = _upright(geo.cards[link.tail].box, geo.cards[link.head].box)
    drawn = [link for link in placed if link.kind != "tie" and link.key not in routes]
    outgoing: dict[str, list[str]] = defaultdict(list)
    incoming: dict[str, list[str]] = defaultdict(list)
    # Arrows meet a card side in the order of their other ends, top to bottom, so
    # they do not cross at the card.
    for link in sorted(drawn, key=lambda k: (-geo.cards[k.head].box.y, geo.cards[k.head].box.x)):
        outgoing[link.tail].append(link.key)
    for link in sorted(drawn, key=lambda k: (-geo.cards[k.tail].box.y, geo.cards[k.tail].box.x)):
        incoming[link.head].append(link.key)
    # Each arrow's place in its card's list, found once rather than searched for
    # (a key listed twice, as a task naming one predecessor twice makes, keeps its first).
    out_at: dict[str, int] = {}
    in_at: dict[str, int] = {}
    for at, lists in ((out_at, outgoing), (in_at, incoming)):
        for keys in lists.values():
            for i, name in enumerate(keys):
                at.setdefault(name, i)
    rows = _Rows(geo, lane_of)
    gap_use: dict[int, int] = defaultdict(int)
    street_use: dict[int, int] = defaultdict(int)

    def half(box: Box) -> float:
        """From the middle of a card's column to the middle of the gap beside it."""
        return (geo.column_w.get(round(box.x, 1), sp.card_w) + sp.col_gap) / 2

    for link in drawn:
        a: Box = geo.cards[link.tail].box
        b: Box = geo.cards[link.head].box
        ya = a.y + _spread(len(outgoing[link.tail]), out_at[link.key], a.h)
        yb = b.y + _spread(len(incoming[link.head]), in_at[link.key], b.h)
        start = (a.bb[2], ya)
        end = (b.bb[0], yb)
        tip = (end[0] - ARROW, yb)
        if abs(a.y - b.y) < 1 and a.x < b.x and rows.clear(lane_of[link.tail], a.y, a.x, b.x):
            points = [start, tip]
            routes[link.key] = Route(
                _spline(points, end), ((start[0] + end[0]) / 2, (ya + yb) / 2), tuple(points)
            )
            continue
        gx1 = a.x + half(a)
        gx2 = b.x - half(b)
        gx1 += _tracks(gap_use[round(gx1)], sp.track, 11)
        gap_use[round(a.x + half(a))] += 1
        if 0 < b.x - a.x <= half(a) + half(b) + sp.gate_gap + 1:
            # Adjacent columns: one vertical run in the gap after the tail's column.
            points = [start, (gx1, ya), (gx1, yb), tip]
            routes[link.key] = Route(_spline(points, end), (gx1, (ya + yb) / 2), tuple(points))
            continue
        gx2 += _tracks(gap_use[round(gx2)], sp.track, 11)
        gap_use[round(b.x - half(b))] += 1
        band = geo.lanes[lane_of[link.head]]
        # The street on the side the arrow comes from, unless the other side is emptier.
        above = a.y > b.y or lane_of[link.tail] == lane_of[link.head]
        edges = {True: band.bb[3] - sp.street_inset, False: band.bb[1] + sp.street_inset}
        if street_use[round(edges[not above])] < street_use[round(edges[above])]:
            above = not above
        edge = edges[above]
        key = round(edge)
        ys = edge + (-1 if above else 1) * sp.street_track * (street_use[key] % STREET_TRACKS)
        street_use[key] += 1
        points = [start, (gx1, ya), (gx1, ys), (gx2, ys), (gx2, yb), tip]
        routes[link.key] = Route(_spline(points, end), ((gx1 + gx2) / 2, ys), tuple(points))
    return routes
