"""Colours, fonts and sizes shared by every map, chosen to read on a wall and in print."""

from __future__ import annotations

__all__ = [
    "CHANNEL_MISSING",
    "FONT",
    "GATE_NODE",
    "HANDOFF",
    "JOINT",
    "ORG_TINTS",
    "SEVERITY_COLOURS",
    "org_tints",
]

FONT = "Helvetica"
"""Graphviz maps it to the machine's sans-serif (Liberation Sans or DejaVu Sans)."""

# Per organization kind: (header fill, lane fill, alternate lane fill).
ORG_TINTS: dict[str, tuple[str, str, str]] = {
    "payer": ("#c6dbef", "#eef4fb", "#e3edf8"),
    "cch": ("#dadaeb", "#f3f2f9", "#eae8f4"),
    "cbo": ("#c7e9c0", "#effaec", "#e3f4de"),
    "health-system": ("#c7eae5", "#edf8f6", "#e0f2ef"),
    "government": ("#f6e8c3", "#fcf7ea", "#f7efdb"),
    "other": ("#e0e0e0", "#f7f7f7", "#efefef"),
}

HANDOFF = "#d95f02"
"""Handoffs across lanes: one warm colour that stands out from the grey dependencies."""

CHANNEL_MISSING = "#b2182b"
"""A handoff with no channel is a gap; it is drawn in the alert colour."""

JOINT = "#8c6bb1"
"""The border of a task done jointly by roles of more than one organization."""

GATE_NODE = {
    "shape": "hexagon",
    "style": "filled",
    "fillcolor": "#fee391",
    "color": "#cc8800",
    "fontsize": "9",
    "class": "gate",
}
"""Exit gates look the same on every map: an amber hexagon."""

SEVERITY_COLOURS = {"spof": "#b2182b", "gap": "#e08214", "other": "#6a51a3"}
"""Overlay marks: single points of failure, gaps, and every other finding."""


def org_tints(kind: str) -> tuple[str, str, str]:
    """The (header, lane, alternate lane) fills for an organization kind."""
    return ORG_TINTS.get(kind, ORG_TINTS["other"])
