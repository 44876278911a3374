"""Where arrow labels go: on their own arrow, clear of cards, headers, the lines
between blocks and each other.

Each label tries points along its arrow's segments (the middle of each segment
first) and takes the first whose box hits nothing placed so far; a label with no
free point keeps its arrow's default point. Label boxes are estimated from the
text (Helvetica at 9 points), which is what the SVG tests measure against.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence

from lifecycle.render.layout import Box, Geometry
from lifecycle.render.route import Route

__all__ = ["label_box", "place_labels"]

_CHAR_W = 5.2
_LINE_H = 11.0
_FRACTIONS = (0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9)
_MARGIN = 3.0


def label_box(lines: Sequence[str], x: float, y: float) -> Box:
    """The box a label of ``lines`` takes when centred on (x, y)."""
    width = max((len(line) for line in lines), default=0) * _CHAR_W + 8
    return Box(x, y, width, len(lines) * _LINE_H + 6)


def _hits(box: Box, others: Iterable[Box]) -> bool:
    x0, y0, x1, y1 = box.bb
    for other in others:
        a0, b0, a1, b1 = other.bb
        if x0 < a1 + _MARGIN and a0 - _MARGIN < x1 and y0 < b1 + _MARGIN and b0 - _MARGIN < y1:
            return True
    return False


def _candidates(route: Route) -> list[tuple[float, float]]:
    found = [route.label_at]
    segments = [
        (p, q) for p, q in itertools.pairwise(route.points) if abs(p[0] - q[0]) + abs(p[1] - q[1]) > 1
    ]
    # Longest segments first: they have the most room.
    segments.sort(key=lambda pq: -(abs(pq[0][0] - pq[1][0]) + abs(pq[0][1] - pq[1][1])))
    for t in _FRACTIONS:
        found += [(p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])) for p, q in segments]
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
        Each link's route (:func:`lifecycle.render.route.route_links`).
    labels
        The wrapped lines of each labelled link, in the order labels are placed.

    Returns
    -------
    dict
        (x, y) for every key of ``labels`` that has a route.
    """
    top = max((b.bb[3] for b in geo.lanes.values()), default=0.0)
    bottom = min((b.bb[1] for b in geo.lanes.values()), default=0.0)
    obstacles = [p.box for p in geo.cards.values()]
    obstacles += list(geo.blocks.values()) + list(geo.gates.values())
    obstacles += [Box(x, (top + bottom) / 2, 1.0, top - bottom) for x, _ in geo.boundaries]
    placed: dict[str, tuple[float, float]] = {}
    for key, lines in labels.items():
        route = routes.get(key)
        if route is None:
            continue
        spot = next(
            (c for c in _candidates(route) if not _hits(label_box(lines, *c), obstacles)),
            route.label_at,
        )
        placed[key] = spot
        obstacles.append(label_box(lines, *spot))
    return placed
