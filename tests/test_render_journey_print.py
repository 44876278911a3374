"""Journey maps in the map book's print layout: compact, and every move still traced.

A move between two steps of one stage in different lanes runs straight up or
down one column (no card between), a lane stacks at most two exits a column,
and on the SVG of the stress journey and the shipped journeys no two arrowheads
meet and no arrow label sits on a line between blocks or on another label.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from stress import stress_journey
from test_render_journey import ARROWS, SVG, _edges, _points

from lifecycle.drawing.draw import footer_lines
from lifecycle.drawing.journey import EXITS, journey_map
from lifecycle.drawing.layout import PRINT, SCREEN, place
from lifecycle.drawing.maps import build_map
from lifecycle.drawing.route import route_links
from lifecycle.loader import Document, load, loads

ROOT = Path(__file__).resolve().parent.parent


def _documents() -> dict[str, tuple[Document, str]]:
    found = {"stress": (loads(stress_journey()), "referral")}
    for path in sorted((ROOT / "workflows").glob("*.yaml")):
        document = load(path)
        for jid in document.workflow.journeys:
            found[f"{path.stem}:{jid}"] = (document, jid)
    return found


JOURNEYS = _documents()


@pytest.fixture(scope="module")
def svgs() -> dict[str, ET.Element]:
    return {
        name: ET.fromstring(build_map(doc, journey=jid, spacing=PRINT).graph.pipe(format="svg"))
        for name, (doc, jid) in JOURNEYS.items()
    }


@pytest.mark.parametrize("name", list(JOURNEYS))
def test_no_two_print_journey_arrowheads_meet_and_no_label_sits_on_a_line_or_a_label(
    svgs: dict[str, ET.Element], name: str
) -> None:
    svg = svgs[name]
    edges = _edges(svg, ARROWS).values()
    tips = [max(_points(next(p for p in e.iter(f"{SVG}polygon") if p.get("fill") != "white"))) for e in edges]
    for a, b in itertools.combinations(tips, 2):
        assert abs(a[0] - b[0]) + abs(a[1] - b[1]) >= 6, f"arrowheads meet at {a} and {b}"
    plates = [_points(p) for e in edges for p in e.iter(f"{SVG}polygon") if p.get("fill") == "white"]
    boxes = [
        (min(x for x, _ in p), min(y for _, y in p), max(x for x, _ in p), max(y for _, y in p))
        for p in plates
    ]
    lines = [
        _points(path)[0][0] for e in _edges(svg, ("boundary",)).values() for path in e.iter(f"{SVG}path")
    ]
    for box in boxes:
        assert not any(box[0] < x < box[2] for x in lines), f"label {box} lies on a line between blocks"
    for a, b in itertools.combinations(boxes, 2):
        assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], f"labels {a} and {b} overlap"


@pytest.mark.parametrize("name", list(JOURNEYS))
def test_a_stacked_move_runs_straight_between_its_steps_through_no_other_card(name: str) -> None:
    document, jid = JOURNEYS[name]
    lane_map = journey_map(document.workflow, jid)
    geo = place(lane_map, footer_lines(lane_map), PRINT)
    routes = route_links(geo, lane_map.links, {c.key: c.lane for c in lane_map.cards})
    for link in lane_map.links:
        if (link.tail, link.head) not in geo.stacked:
            continue
        a, b = geo.cards[link.tail].box, geo.cards[link.head].box
        (x0, y0), (x1, y1) = routes[link.key].points
        assert x0 == x1 == a.x == b.x, f"{link.key} is not upright in its steps' column"
        low, high = sorted((y0, y1))
        for key, placed in geo.cards.items():
            box = placed.box.bb
            if key not in (link.tail, link.head) and box[0] < x0 < box[2]:
                assert box[3] <= low or box[1] >= high, f"{link.key} runs through {key}"


def test_the_member_journeys_take_fewer_columns_in_print_and_two_exits_a_column() -> None:
    for stem in ("payer-cbo-partnership", "payer-cch-network"):
        lane_map = journey_map(load(ROOT / "workflows" / f"{stem}.yaml").workflow, "member")
        screen = place(lane_map, footer_lines(lane_map), SCREEN)
        geo = place(lane_map, footer_lines(lane_map), PRINT)
        assert geo.stacked
        assert len(geo.column_w) <= len(screen.column_w) - 2
        stacks: dict[tuple[str, float], int] = {}
        for placed in geo.cards.values():
            if placed.card.block == EXITS:
                where = (placed.card.lane, round(placed.box.x, 1))
                stacks[where] = stacks.get(where, 0) + 1
        assert max(stacks.values()) <= 2 < sum(stacks.values())
