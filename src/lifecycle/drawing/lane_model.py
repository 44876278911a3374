"""What a lane map shows, before any geometry: lanes, column blocks, cards, links.

The swimlane map (blocks are phases, cards are tasks) and the journey map (blocks
are the five stages, cards are steps and exits) are both described as a
:class:`LaneMap`; :mod:`lifecycle.drawing.layout` places it and
:mod:`lifecycle.drawing.draw` turns it into Graphviz DOT.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from lifecycle.drawing.lanes import Lane

__all__ = ["Block", "Card", "GateMark", "LaneMap", "Link", "Mark", "MarkKind"]

LinkKind = Literal["after", "back", "earlier", "handoff", "next", "tie"]

MarkKind = Literal["spof", "gap", "other"]
"""How a marked finding is coloured: single point of failure, gap, or other."""


@dataclass(frozen=True)
class GateMark:
    """An exit gate drawn at the right edge of its block."""

    key: str
    title: str
    detail: str


@dataclass(frozen=True)
class Block:
    """A group of columns: a phase of the swimlane map, a stage of the journey map."""

    key: str
    title: str
    gate: GateMark | None = None


@dataclass(frozen=True)
class Card:
    """One box on the map: a task, a journey step or a journey exit."""

    key: str
    """The element id (task, step or exit id)."""

    label: str
    lane: str
    block: str
    kind: Literal["task", "step", "exit", "start", "chip"] = "task"
    tooltip: str | None = None
    fill: str = "white"
    attached_to: str | None = None
    """For a chip: the card it belongs to, whose column it shares (None: a free chip,
    such as the end of a handoff that names no task, placed by its links)."""

    joint: bool = False
    """Work done jointly by roles of more than one organization."""

    border: str = "solid"
    """How the card's border is drawn: solid, bold, double, dashed or dotted
    (a journey exit's kind, an optional step)."""


@dataclass(frozen=True)
class Link:
    """An arrow between two cards (a ``tie`` is a plain line from a card to its chip)."""

    tail: str
    head: str
    kind: LinkKind
    key: str
    """A unique id for the arrow (a handoff id for handoffs)."""

    label: str | None = None
    tooltip: str | None = None
    alert: bool = False
    """Drawn in the alert colour (a handoff with no channel)."""

    element: str | None = None
    """The workflow element the arrow stands for (a handoff id), when not ``key``."""


@dataclass(frozen=True)
class Mark:
    """A check finding marked on the map (see :mod:`lifecycle.drawing.overlay`)."""

    code: str
    kind: MarkKind
    message: str
    element: str


@dataclass
class LaneMap:
    """Everything one lane map shows."""

    title: str
    lanes: list[Lane]
    blocks: list[Block]
    cards: list[Card]
    links: list[Link] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Lines printed under the map (e.g. handoffs that name no tasks)."""

    legend: list[str] = field(default_factory=list)
    """Legend entries of this map's own (a journey's exit kinds), after those of its arrows."""

    findings: list[Mark] = field(default_factory=list)
    """Overlay findings; their elements are marked and they are listed in the legend."""
