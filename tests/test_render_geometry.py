"""The swimlane map of every shipped workflow, checked on the SVG Graphviz draws:
lanes are full-width disjoint bands ordered by organization, every task sits in
its performer's lane (see tests/test_render_lanes.py for handoffs and chips)."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from svg_shapes import box, groups_by_id, inside

from lifecycle.drawing.maps import build_map
from lifecycle.drawing.swimlane import performer
from lifecycle.loader import load

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / "workflows").glob("*.yaml"))


@pytest.fixture(params=WORKFLOWS, ids=[p.stem for p in WORKFLOWS])
def drawn(request: pytest.FixtureRequest):
    document = load(request.param)
    svg = ET.fromstring(build_map(document).graph.pipe(format="svg"))
    return document.workflow, svg


def test_some_workflows_are_shipped() -> None:
    assert WORKFLOWS


def test_lanes_are_full_width_disjoint_bands_ordered_by_organization(drawn) -> None:
    workflow, svg = drawn
    lanes = {key.removeprefix("lane-"): box(g) for key, g in groups_by_id(svg, "lane").items()}
    everything = [
        box(g)
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
    lanes = {key.removeprefix("lane-"): box(g) for key, g in groups_by_id(svg, "lane").items()}
    tasks = groups_by_id(svg, "task")
    assert len(tasks) == len(workflow.tasks())
    for tid, task in workflow.tasks().items():
        lane = performer(workflow, task)
        assert inside(box(tasks[f"task-{tid}"]), lanes[lane]), f"task {tid} is outside lane {lane}"
