"""The swimlane map of every shipped workflow, checked on the SVG Graphviz draws:
lanes are full-width disjoint bands ordered by organization, every task sits in
its performer's lane (see tests/test_render_lanes.py for handoffs and chips)."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lifecycle.drawing.maps import build_map
from lifecycle.drawing.swimlane import performer
from lifecycle.loader import load

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / "workflows").glob("*.yaml"))
NS = {"s": "http://www.w3.org/2000/svg"}
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _points(element: ET.Element) -> list[tuple[float, float]]:
    values = [float(v) for v in NUMBER.findall(element.get("points") or element.get("d") or "")]
    return list(zip(values[::2], values[1::2], strict=False))


def _bbox(group: ET.Element) -> tuple[float, float, float, float]:
    pts = [p for shape in group.iter() if shape.tag.endswith(("polygon", "path")) for p in _points(shape)]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def _groups(svg: ET.Element, cls: str) -> dict[str, ET.Element]:
    return {
        g.get("id", ""): g
        for g in svg.iter("{http://www.w3.org/2000/svg}g")
        if cls in (g.get("class") or "").split()
    }


@pytest.fixture(params=WORKFLOWS, ids=[p.stem for p in WORKFLOWS])
def drawn(request: pytest.FixtureRequest):
    document = load(request.param)
    svg = ET.fromstring(build_map(document).graph.pipe(format="svg"))
    return document.workflow, svg


def test_some_workflows_are_shipped() -> None:
    assert WORKFLOWS


def test_lanes_are_full_width_disjoint_bands_ordered_by_organization(drawn) -> None:
    workflow, svg = drawn
    lanes = {key.removeprefix("lane-"): _bbox(g) for key, g in _groups(svg, "lane").items()}
    everything = [
        _bbox(g)
        for g in svg.iter("{http://www.w3.org/2000/svg}g")
        if (g.get("class") or "").split()[:1] in (["node"], ["edge"])
        and any(e.tag.endswith(("path", "polygon")) for e in g.iter())
    ]
    left = min(b[0] for b in everything + list(lanes.values()))
    right = max(b[2] for b in everything + list(lanes.values()))
    for key, (x0, _, x1, _) in lanes.items():
        assert (x0, x1) == (left, right), f"lane {key} does not span the map's width"
    ordered = sorted(lanes.items(), key=lambda item: item[1][1])
    for (upper, a), (lower, b) in itertools.pairwise(ordered):
        assert a[3] <= b[1], f"lanes {upper} and {lower} overlap"
    org_of = {
        **{r: role.org for r, role in workflow.roles.items()},
        **{p: v.org for p, v in workflow.people.items()},
    }
    orgs = [org_of.get(key, "~unassigned") for key, _ in ordered]
    runs = [o for i, o in enumerate(orgs) if i == 0 or orgs[i - 1] != o]
    assert len(runs) == len(set(runs)), f"lanes of one organization are split: {orgs}"
    declared = [*workflow.organizations, "~unassigned"]
    assert runs == sorted(runs, key=declared.index)


def test_every_task_lies_inside_the_lane_of_its_performer(drawn) -> None:
    workflow, svg = drawn
    lanes = {key.removeprefix("lane-"): _bbox(g) for key, g in _groups(svg, "lane").items()}
    tasks = _groups(svg, "task")
    assert len(tasks) == len(workflow.tasks())
    for tid, task in workflow.tasks().items():
        lane = performer(workflow, task)
        x0, y0, x1, y1 = _bbox(tasks[f"task-{tid}"])
        bx0, by0, bx1, by1 = lanes[lane]
        assert bx0 <= x0 and x1 <= bx1 and by0 <= y0 and y1 <= by1, f"task {tid} is outside lane {lane}"
