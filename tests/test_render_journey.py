"""Journey maps where every move can be traced on its own, and arrow labels that
never sit on a line between blocks nor on each other, checked on the SVG of the
stress journey (12 steps, 5 exits, 3 loops), the shipped journeys and the
shipped swimlane maps."""

from __future__ import annotations

import functools
import itertools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from stress import stress_journey

from lifecycle.drawing.maps import build_map
from lifecycle.loader import load, loads

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
ARROWS = ("next", "back", "handoff", "after", "earlier")


def _points(element: ET.Element) -> list[tuple[float, float]]:
    values = [float(v) for v in NUMBER.findall(element.get("points") or element.get("d") or "")]
    return list(zip(values[::2], values[1::2], strict=False))


def _edges(svg: ET.Element, classes: tuple[str, ...]) -> dict[str, ET.Element]:
    return {
        g.get("id", ""): g
        for g in svg.iter(f"{SVG}g")
        if (g.get("class") or "").split()[:1] == ["edge"] and (g.get("class") or "").split()[1] in classes
    }


WORKFLOWS = sorted((ROOT / "workflows").glob("*.yaml"))


def _names() -> list[str]:
    """The maps these tests look at: the stress journey, and each shipped
    workflow's swimlane map and journeys (named ``stem:swimlane``, ``stem:journey``)."""
    names = ["stress"]
    for path in WORKFLOWS:
        names.append(f"{path.stem}:swimlane")
        names += [f"{path.stem}:{jid}" for jid in load(path).workflow.journeys]
    return names


@functools.cache
def _svg(name: str) -> ET.Element:
    """The map ``name`` as SVG, drawn by the first test that asks (and by one worker only)."""
    if name == "stress":
        figure = build_map(loads(stress_journey()), journey="referral")
    else:
        stem, view = name.split(":")
        document = load(ROOT / "workflows" / f"{stem}.yaml")
        figure = build_map(document) if view == "swimlane" else build_map(document, journey=view)
    return ET.fromstring(figure.graph.pipe(format="svg"))


MAPS = _names()
JOURNEYS = [name for name in MAPS if not name.endswith(":swimlane")]


def test_the_stress_journey_draws_every_move_and_its_three_loops_as_returns() -> None:
    svg = _svg("stress")
    workflow = loads(stress_journey()).workflow
    moves = sum(len(step.next) for step in workflow.journeys["referral"].steps.values())
    assert len(_edges(svg, ARROWS)) == moves == 26
    assert set(_edges(svg, ("back",))) == {
        "back-on-hold--in-progress",
        "back-barrier--serving",
        "back-wrap-up--requested",
    }


@pytest.mark.parametrize("name", JOURNEYS)
def test_no_two_journey_arrowheads_end_at_the_same_point(name: str) -> None:
    svg = _svg(name)
    tips = []
    for edge in _edges(svg, ARROWS).values():
        head = next(p for p in edge.iter(f"{SVG}polygon") if p.get("fill") != "white")
        tips.append(max(_points(head)))
    for a, b in itertools.combinations(tips, 2):
        assert abs(a[0] - b[0]) + abs(a[1] - b[1]) >= 6, f"arrowheads meet at {a} and {b}"


@pytest.mark.parametrize("name", MAPS)
def test_labels_sit_neither_on_a_line_between_blocks_nor_on_each_other(name: str) -> None:
    svg = _svg(name)
    boxes = []
    for edge in _edges(svg, ARROWS).values():
        for plate in edge.iter(f"{SVG}polygon"):
            if plate.get("fill") == "white":
                pts = _points(plate)
                boxes.append(
                    (
                        min(x for x, _ in pts),
                        min(y for _, y in pts),
                        max(x for x, _ in pts),
                        max(y for _, y in pts),
                    )
                )
    lines = [
        _points(path)[0][0]
        for edge in _edges(svg, ("boundary",)).values()
        for path in edge.iter(f"{SVG}path")
    ]
    for box in boxes:
        assert not any(box[0] < x < box[2] for x in lines), f"label {box} lies on a line between blocks"
    for a, b in itertools.combinations(boxes, 2):
        assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], f"labels {a} and {b} overlap"
