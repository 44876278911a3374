"""Where arrow labels go: on their own arrow, clear of cards, headers, the lines
between blocks and each other.

Each label tries points along its arrow's segments (the middle of each segment
first) and takes the first whose box hits nothing placed so far; a label with no
free point keeps its arrow's default point. Label boxes are estimated from the
text (Helvetica at 9 points), which is what the SVG tests measure against.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from lifecycle.drawing.layout import Box, Geometry
from lifecycle.drawing.route import Route

__all__ = ["label_box", "place_labels"]

_CHAR_W = 5.2
_LINE_H = 11.0
_FRACTIONS = (0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9)
_MARGIN = 3.0


def label_box(lines: Sequence[str], x: float, y: float) -> Box:
    """The box a label of ``lines`` takes when centred on (x, y)."""
    width = max((len(line) for line in lines), default=0) * _CHAR_W + 8
    return Box(x, y, width, len(lines) * _LINE_H + 6)


_CELL = 200.0
"""Side of the squares of the grid that indexes obstacles, so a test looks only nearby."""

Rect = tuple[float, float, float, float]


class _Obstacles:
    """Boxes on a coarse grid: asking whether a box hits any costs only its neighbours."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[Rect]] = defaultdict(list)

    @staticmethod
    def _span(rect: Rect) -> Iterable[tuple[int, int]]:
        x0, y0, x1, y1 = rect
        for i in range(int(x0 // _CELL), int(x1 // _CELL) + 1):
            for j in range(int(y0 // _CELL), int(y1 // _CELL) + 1):
                yield i, j

    def add(self, box: Box) -> None:
        rect = box.bb
        x0, y0, x1, y1 = rect
        # Loops written out: every card of a large map is added, some 13,000 boxes.
        for i in range(int(x0 // _CELL), int(x1 // _CELL) + 1):
            for j in range(int(y0 // _CELL), int(y1 // _CELL) + 1):
                self.cells[i, j].append(rect)

    def hit(self, box: Box) -> bool:
        x0, y0, x1, y1 = box.bb
        for cell in self._span((x0 - _MARGIN, y0 - _MARGIN, x1 + _MARGIN, y1 + _MARGIN)):
            for a0, b0, a1, b1 in self.cells.get(cell, ()):
                if x0 < a1 + _MARGIN and a0 - _MARGIN < x1 and y0 < b1 + _MARGIN and b0 - _MARGIN < y1:
                    return True
        return False


def _upright(route: Route) -> bool:
    """Whether ``route`` is one straight upright segment (a stacked move)."""
    return len(route.points) == 2 and abs(route.points[0][0] - route.points[1][0]) < 0.5


def _candidates(route: Route, size: tuple[float, float]) -> list[tuple[float, float]]:
    """Where a label of ``size`` may go: on its arrow's segments, then beside them
    (where a tight map leaves no free point on the arrow itself)."""
    found = [route.label_at]
    if _upright(route):
        # A straight upright arrow (a stacked move) is short: its label goes beside
        # it, clear of the cards it joins, not over its arrowhead.
        x, y = route.label_at
        found = [(x + side * (size[0] / 2 + 2 + 8 * k), y) for k in range(10) for side in (1, -1)] + found
    segments = [
        (p, q) for p, q in itertools.pairwise(route.points) if abs(p[0] - q[0]) + abs(p[1] - q[1]) > 1
    ]
    # Longest segments first: they have the most room.
    segments.sort(key=lambda pq: -(abs(pq[0][0] - pq[1][0]) + abs(pq[0][1] - pq[1][1])))
    on = [(p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]), p, q) for t in _FRACTIONS for p, q in segments]
    found += [(x, y) for x, y, _, _ in on]
    for side in (1, -1):
        for x, y, p, q in on:
            upright = abs(p[0] - q[0]) < abs(p[1] - q[1])
            if upright:
                found.append((x + side * (size[0] / 2 + 2), y))
            else:
                found.append((x, y + side * (size[1] / 2 + 2)))
    return found


def place_labels(
    geo: Geometry, routes: Mapping[str, Route], labels: Mapping[str, Sequence[str]]
) -> dict[str, tuple[float, float]]:
    """The centre of each label, by link key.

    Parameters
    ----------
    geo
        The placed map: its cards, headers, gates and block boundaries are obstacles.
    routes
        Each link's route (:func:`lifecycle.drawing.route.route_links`).
    labels
        The wrapped lines of each labelled link, in the order labels are placed.

    Returns
    -------
    dict
        (x, y) for every key of ``labels`` that has a route.
    """
    top = max((b.bb[3] for b in geo.lanes.values()), default=0.0)
    bottom = min((b.bb[1] for b in geo.lanes.values()), default=0.0)
    obstacles = _Obstacles()
    for box in [p.box for p in geo.cards.values()] + list(geo.blocks.values()) + list(geo.gates.values()):
        obstacles.add(box)
    for x, _ in geo.boundaries:
        obstacles.add(Box(x, (top + bottom) / 2, 1.0, top - bottom))
    seams = _Obstacles()
    if geo.spacing.labels_in_lanes:
        # A page may be cut between any two lanes: a label there would be cut in two,
        # so it keeps off those lines where it has anywhere else to go.
        for band in geo.lanes.values():
            seams.add(Box(band.x, band.bb[1], band.w, 1.0))
    placed: dict[str, tuple[float, float]] = {}
    for key, lines in labels.items():
        route = routes.get(key)
        if route is None:
            continue
        size = label_box(lines, 0.0, 0.0)
        spot: tuple[float, float] | None = None
        # A stacked move between two lanes crosses their line: its label beside it
        # may too (a page cut there cuts the arrow anyway).
        upright = _upright(route)
        for c in _candidates(route, (size.w, size.h)):
            box = label_box(lines, *c)
            if not obstacles.hit(box):
                if upright or not seams.hit(box):
                    spot = c
                    break
                spot = spot or c
        spot = spot or route.label_at
        placed[key] = spot
        obstacles.add(label_box(lines, *spot))
    return placed
