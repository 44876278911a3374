"""Where things are on a map, read off the SVG Graphviz draws.

Graphviz writes each node, edge and cluster as a ``<g>`` with the ``id`` and
``class`` lifecycle gave it, around polygons and paths whose coordinates are the
drawing's own: the boxes here are in those units, with y growing downwards.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")

Box = tuple[float, float, float, float]
"""Left, top, right, bottom."""


def points(element: ET.Element) -> list[tuple[float, float]]:
    """The (x, y) pairs of a polygon's ``points`` or a path's ``d``."""
    values = [float(v) for v in NUMBER.findall(element.get("points") or element.get("d") or "")]
    return list(zip(values[::2], values[1::2], strict=False))


def box(group: ET.Element) -> Box:
    """The box around every polygon and path inside ``group``."""
    pts = [p for shape in group.iter() if shape.tag.endswith(("polygon", "path")) for p in points(shape)]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def groups_by_id(svg: ET.Element, cls: str | None = None) -> dict[str, ET.Element]:
    """The groups of ``svg`` that have an id, by id; with ``cls``, only those of that class."""
    return {
        g.get("id", ""): g
        for g in svg.iter(f"{SVG}g")
        if g.get("id") and (cls is None or cls in (g.get("class") or "").split())
    }


def inside(inner: Box, outer: Box) -> bool:
    """Whether box ``inner`` lies wholly within box ``outer``."""
    return outer[0] <= inner[0] and inner[2] <= outer[2] and outer[1] <= inner[1] and inner[3] <= outer[3]
