"""What a modeler would draw from an export's own diagram interchange: pools and lanes
as bands, every node inside its lane, nothing piled up, every flow routed."""

from __future__ import annotations

from functools import cache
from itertools import combinations, pairwise
from pathlib import Path

import pytest
from bpmn_di import Diagram, Shape, di_png, read_di
from lxml import etree
from PIL import Image
from shipped_scopes import SCOPES, SHIPPED

from lifecycle.interchange.bpmn_export import export_bpmn
from lifecycle.interchange.bpmn_names import BPMN
from lifecycle.loader import load

FLOWS = ("sequenceFlow", "messageFlow")


@cache
def _export(path: Path, kind: str, key: str | None) -> bytes:
    workflow = load(path).workflow
    if kind == "journey":
        return export_bpmn(workflow, journey=key)
    return export_bpmn(workflow, phases=[key] if key else None)


def _crosses(a: tuple[float, float], b: tuple[float, float], shape: Shape) -> bool:
    """Whether the straight segment a-b (flows are drawn orthogonally) enters the shape."""
    return (
        min(a[0], b[0]) < shape.x + shape.w - 1
        and max(a[0], b[0]) > shape.x + 1
        and min(a[1], b[1]) < shape.y + shape.h - 1
        and max(a[1], b[1]) > shape.y + 1
    )


def _nodes(diagram: Diagram) -> list[str]:
    return [k for k, s in diagram.shapes.items() if s.tag not in ("participant", "lane", "textAnnotation")]


@pytest.mark.parametrize(
    ("path", "kind", "key"), SCOPES, ids=[f"{p.stem}-{k}-{key or 'lifecycle'}" for p, k, key in SCOPES]
)
def test_every_node_inside_its_lane_and_nothing_overlaps_or_is_crossed(
    path: Path, kind: str, key: str | None
) -> None:
    xml = _export(path, kind, key)
    diagram = read_di(xml)
    root = etree.fromstring(xml)
    shapes = diagram.shapes
    # Every pool, lane and flow node has a shape, every flow an edge of two points or more.
    wanted = {
        e.get("id")
        for e in root.iter()
        if isinstance(e.tag, str)
        and etree.QName(e).namespace == BPMN
        and (etree.QName(e).localname in ("participant", "lane") or e.get("id") in diagram.lane_of)
    }
    assert wanted <= shapes.keys()
    flows = {e.get("id") for e in root.iter(*(f"{{{BPMN}}}{tag}" for tag in FLOWS))}
    assert flows == diagram.edges.keys()
    assert all(len(points) >= 2 for _, points in diagram.edges.values())
    pools = [s for s in shapes.values() if s.tag == "participant"]
    lanes = [s for s in shapes.values() if s.tag == "lane"]
    for lane in lanes:
        assert any(lane.inside(pool) for pool in pools), lane.element
    for node in _nodes(diagram):
        lane = shapes[diagram.lane_of[node]]
        assert shapes[node].inside(lane), f"{node} is outside its lane {lane.element}"
    for group in (pools, lanes, [shapes[n] for n in _nodes(diagram)]):
        for a, b in combinations(group, 2):
            assert not a.overlaps(b), f"{a.element} overlaps {b.element}"
    # No flow runs through a node other than its own two ends.
    ends = {e.get("id"): (e.get("sourceRef"), e.get("targetRef")) for e in root.iter() if e.get("sourceRef")}
    for flow, (_, points) in diagram.edges.items():
        for node in (shapes[n] for n in _nodes(diagram) if n not in ends[flow]):
            for a, b in pairwise(points):
                assert not _crosses(a, b, node), f"{flow} runs through {node.element}"
    right = max(p.x + p.w for p in pools)
    bottom = max(s.y + s.h for s in shapes.values())
    for _, points in diagram.edges.values():
        assert all(0 <= x <= right and 0 <= y <= bottom for x, y in points)


@pytest.mark.parametrize(
    "path", [p for p in SHIPPED if "pre-launch" in load(p).workflow.phases], ids=lambda p: p.stem
)
def test_pre_launch_export_draws_as_a_modeler_would(path: Path, tmp_path: Path) -> None:
    xml = _export(path, "phase", "pre-launch")
    picture = tmp_path / "pre-launch.png"
    diagram = di_png(xml, picture)
    with Image.open(picture) as image:
        width, height = image.size
        # The picture is the diagram's own extent, and not blank.
        assert width >= max(s.x + s.w for s in diagram.shapes.values())
        assert height >= max(s.y + s.h for s in diagram.shapes.values())
        assert len(image.convert("L").getcolors(maxcolors=1 << 16) or []) > 2
