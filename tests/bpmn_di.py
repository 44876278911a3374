"""Test helper: read a BPMN file's own diagram interchange (DI) and draw it.

A modeler (bpmn.io, Camunda Modeler) draws a BPMN file from its BPMNShape bounds
and BPMNEdge waypoints alone. This helper does the same, in miniature: pools and
lanes as bands, tasks as rounded boxes, events as circles, gateways as diamonds,
sequence flows solid and message flows dashed, each shape labelled with the
``name`` of its element, so a test (and a person) sees what a modeler would show.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import cairosvg
from lxml import etree

from lifecycle.interchange.bpmn_names import BPMN, BPMNDI, DC, DI

__all__ = ["Diagram", "Shape", "di_png", "read_di"]


@dataclass(frozen=True)
class Shape:
    """One BPMNShape: its element's id, tag (``userTask``, ``lane`` ...), name and bounds."""

    element: str
    tag: str
    name: str
    x: float
    y: float
    w: float
    h: float

    def inside(self, other: Shape) -> bool:
        """Whether this shape lies within ``other``'s bounds."""
        return (
            self.x >= other.x
            and self.y >= other.y
            and self.x + self.w <= other.x + other.w
            and self.y + self.h <= other.y + other.h
        )

    def overlaps(self, other: Shape) -> bool:
        """Whether the two shapes' interiors intersect (touching edges do not count)."""
        return (
            self.x < other.x + other.w
            and other.x < self.x + self.w
            and self.y < other.y + other.h
            and other.y < self.y + self.h
        )


@dataclass
class Diagram:
    """Every shape and edge of a BPMN file's first diagram."""

    shapes: dict[str, Shape]
    edges: dict[str, tuple[str, list[tuple[float, float]]]]
    """Flow id -> (tag, waypoints)."""

    lane_of: dict[str, str]
    """Flow node id -> the id of the lane whose flowNodeRef names it."""

    names: dict[str, list[tuple[float, float]]]
    """A named flow's name -> its waypoints (labels of handoffs)."""


def read_di(xml: bytes) -> Diagram:
    """The shapes and edges of ``xml`` with the tag and name of each element."""
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    elements = {e.get("id"): e for e in root.iter() if e.get("id")}
    shapes: dict[str, Shape] = {}
    for shape in root.iter(f"{{{BPMNDI}}}BPMNShape"):
        ref = shape.get("bpmnElement", "")
        bounds = shape.find(f"{{{DC}}}Bounds")
        assert bounds is not None, f"shape of {ref} has no bounds"
        element = elements[ref]
        shapes[ref] = Shape(
            ref,
            etree.QName(element).localname,
            element.get("name") or element.findtext(f"{{{BPMN}}}text") or "",
            *(float(bounds.get(k, "nan")) for k in ("x", "y", "width", "height")),
        )
    edges = {}
    for edge in root.iter(f"{{{BPMNDI}}}BPMNEdge"):
        ref = edge.get("bpmnElement", "")
        points = [
            (float(p.get("x", "nan")), float(p.get("y", "nan"))) for p in edge.iter(f"{{{DI}}}waypoint")
        ]
        edges[ref] = (etree.QName(elements[ref]).localname, points)
    lane_of = {
        (ref.text or "").strip(): lane.get("id", "")
        for lane in root.iter(f"{{{BPMN}}}lane")
        for ref in lane.findall(f"{{{BPMN}}}flowNodeRef")
    }
    names = {
        elements[ref].get("name", ""): points
        for ref, (_, points) in edges.items()
        if elements[ref].get("name")
    }
    return Diagram(shapes, edges, lane_of, names)


_FILL = {"participant": "#f7f7f7", "lane": "#ffffff", "userTask": "#fffbe6", "textAnnotation": "#ffffff"}
_SVG = "http://www.w3.org/2000/svg"


def _el(parent: etree._Element, tag: str, text: str | None = None, **attributes: object) -> etree._Element:
    """An SVG element; lxml escapes every name drawn, as the exporter does."""
    element = etree.SubElement(
        parent, f"{{{_SVG}}}{tag}", {k.replace("_", "-"): str(v) for k, v in attributes.items()}
    )
    element.text = text
    return element


def _wrapped(name: str, width: int = 24) -> list[str]:
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + len(word) < width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _label(svg: etree._Element, shape: Shape) -> None:
    if shape.tag in ("participant", "lane"):
        cx, cy = shape.x + 14, shape.y + shape.h / 2
        _el(
            svg,
            "text",
            shape.name[:40],
            x=cx,
            y=cy,
            font_size=11,
            text_anchor="middle",
            transform=f"rotate(-90 {cx} {cy})",
        )
    elif shape.tag == "textAnnotation":
        for i, line in enumerate(shape.name.splitlines()):
            _el(svg, "text", line, x=shape.x + 4, y=shape.y + 14 + i * 15, font_size=9)
    elif shape.tag == "userTask":
        lines = _wrapped(shape.name)[:6]
        top = shape.y + shape.h / 2 - (len(lines) - 1) * 5.5
        for i, line in enumerate(lines):
            _el(
                svg,
                "text",
                line,
                x=shape.x + shape.w / 2,
                y=top + i * 11 + 3,
                font_size=9,
                text_anchor="middle",
            )
    elif shape.name:
        _el(
            svg,
            "text",
            shape.name[:30],
            x=shape.x + shape.w / 2,
            y=shape.y + shape.h + 11,
            font_size=8,
            text_anchor="middle",
        )


def _shape(svg: etree._Element, shape: Shape) -> None:
    x, y, w, h = shape.x, shape.y, shape.w, shape.h
    if shape.tag.endswith("Event"):
        width = 3 if shape.tag == "endEvent" else 1.5
        _el(
            svg,
            "circle",
            cx=x + w / 2,
            cy=y + h / 2,
            r=w / 2,
            fill="white",
            stroke="#333",
            stroke_width=width,
        )
        if shape.tag == "intermediateCatchEvent":
            _el(svg, "circle", cx=x + w / 2, cy=y + h / 2, r=w / 2 - 4, fill="none", stroke="#333")
    elif shape.tag.endswith("Gateway"):
        cx, cy = x + w / 2, y + h / 2
        _el(
            svg, "polygon", points=f"{cx},{y} {x + w},{cy} {cx},{y + h} {x},{cy}", fill="white", stroke="#333"
        )
    else:
        radius = 8 if shape.tag == "userTask" else 0
        fill = _FILL.get(shape.tag, "#eeeeee")
        _el(svg, "rect", x=x, y=y, width=w, height=h, rx=radius, fill=fill, stroke="#333")
    _label(svg, shape)


def _flow_label(svg: etree._Element, name: str, points: list[tuple[float, float]]) -> None:
    """A flow's name along its longest segment, turned upright on a vertical one."""
    (x1, y1), (x2, y2) = max(pairwise(points), key=lambda s: abs(s[0][0] - s[1][0]) + abs(s[0][1] - s[1][1]))
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    turn = f"rotate(-90 {cx - 3} {cy})" if abs(x1 - x2) < abs(y1 - y2) else ""
    _el(
        svg,
        "text",
        name[:70],
        x=cx - 3,
        y=cy,
        font_size=7,
        fill="#a6470a",
        text_anchor="middle",
        transform=turn,
    )


def di_png(xml: bytes, path: Path, scale: float = 1.0) -> Diagram:
    """Draw ``xml``'s DI geometry into the PNG at ``path``; return what was drawn."""
    diagram = read_di(xml)
    right = max(s.x + s.w for s in diagram.shapes.values()) + 20
    bottom = max(s.y + s.h for s in diagram.shapes.values()) + 20
    svg = etree.Element(f"{{{_SVG}}}svg", nsmap={None: _SVG})
    for key, value in (("width", right), ("height", bottom), ("font-family", "sans-serif")):
        svg.set(key, str(value))
    marker = _el(
        _el(svg, "defs"),
        "marker",
        id="a",
        viewBox="0 0 10 10",
        refX=10,
        refY=5,
        markerWidth=7,
        markerHeight=7,
        orient="auto",
    )
    _el(marker, "path", d="M0,0 L10,5 L0,10 z", fill="#333")
    _el(svg, "rect", width=right, height=bottom, fill="white")
    order = ("participant", "lane")
    for shape in sorted(diagram.shapes.values(), key=lambda s: order.index(s.tag) if s.tag in order else 2):
        _shape(svg, shape)
    for tag, points in diagram.edges.values():
        message = tag == "messageFlow"
        _el(
            svg,
            "polyline",
            points=" ".join(f"{x},{y}" for x, y in points),
            fill="none",
            stroke="#d95f02" if message else "#555",
            stroke_width=1.3,
            stroke_dasharray="6,4" if message else "none",
            marker_end="url(#a)",
        )
    for name, points in diagram.names.items():
        _flow_label(svg, name, points)
    cairosvg.svg2png(bytestring=etree.tostring(svg), write_to=str(path), scale=scale)
    return diagram


if __name__ == "__main__":
    import sys

    # python tests/bpmn_di.py FILE.bpmn OUT.png: the picture docs/interchange.md shows.
    di_png(
        Path(sys.argv[1]).read_bytes(),
        Path(sys.argv[2]),
        scale=float(sys.argv[3]) if len(sys.argv) > 3 else 1.0,
    )
