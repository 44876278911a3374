"""Colours, fonts and sizes shared by every map, chosen to read on a wall and in print."""

from __future__ import annotations

from dataclasses import dataclass

from lifecycle.model import ExitKind

__all__ = [
    "CHANNEL_MISSING",
    "EXIT_LOOKS",
    "FONT",
    "GATE_NODE",
    "HANDOFF",
    "JOINT",
    "ORG_TINTS",
    "SEVERITY_COLOURS",
    "ExitLook",
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


@dataclass(frozen=True)
class ExitLook:
    """How a journey exit of one kind is drawn: a fill, and a border that tells
    the kinds apart in black and white too."""

    fill: str
    border: str
    """solid, bold, double, dashed or dotted."""
    words: str
    """How the legend names the look."""


EXIT_LOOKS: dict[ExitKind, ExitLook] = {
    ExitKind.COMPLETED: ExitLook("#c7e9c0", "double", "green, double border"),
    ExitKind.TRANSFERRED: ExitLook("#dadaeb", "solid", "lilac"),
    ExitKind.DECLINED: ExitLook("#fdd0a2", "solid", "orange"),
    ExitKind.REJECTED: ExitLook("#fdae6b", "bold", "dark orange, bold border"),
    ExitKind.CANCELLED: ExitLook("#e0e0e0", "dashed", "grey, dashed border"),
    ExitKind.FAILED: ExitLook("#fcbba1", "bold", "red, bold border"),
    ExitKind.UNREACHABLE: ExitLook("#fff7bc", "dashed", "yellow, dashed border"),
    ExitKind.INELIGIBLE: ExitLook("#c6dbef", "solid", "blue"),
    ExitKind.ENTERED_IN_ERROR: ExitLook("#ffffff", "dotted", "white, dotted border"),
    ExitKind.OTHER: ExitLook("#f0f0f0", "solid", "light grey"),
}
"""Each kind of journey exit in its own look: success green, refusals orange,
withdrawals grey and dashed, failure red, a void record white and dotted."""
