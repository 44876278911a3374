"""Build any map of a loaded workflow, by name (:func:`lifecycle.render` writes it).

>>> from lifecycle.loader import load
>>> from lifecycle.drawing.maps import build_map
>>> figure = build_map(load("workflows/payer-cbo-partnership.yaml"), phases=["pre-launch"])
>>> figure.lane_map.title
'Health plan and CBO partnership (direct contract): Pre-launch activities'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import graphviz

from lifecycle.diagnostics import LifecycleError
from lifecycle.drawing.draw import draw_lane_map
from lifecycle.drawing.journey import journey_map
from lifecycle.drawing.lane_model import LaneMap, MarkKind
from lifecycle.drawing.layout import SCREEN, Spacing
from lifecycle.drawing.mermaid import lane_map_mermaid
from lifecycle.drawing.overlay import overlay_findings
from lifecycle.drawing.overview import overview_graph, overview_mermaid
from lifecycle.drawing.swimlane import swimlane_map
from lifecycle.loader import Document

__all__ = ["ChecksUnavailable", "Figure", "UnsupportedMap", "build_map", "mark_kind"]


class UnsupportedMap(LifecycleError):
    """The options ask for a map that cannot be drawn (an overlay on the overview)."""


class ChecksUnavailable(LifecycleError):
    """The findings overlay was asked for but the checks are not installed."""


@dataclass
class Figure:
    """A map ready to write: its Graphviz graph and its Mermaid text."""

    graph: graphviz.Source | graphviz.Digraph
    mermaid: str
    lane_map: LaneMap | None
    """The lanes and cards (None for the lifecycle overview)."""


def mark_kind(code: str) -> MarkKind:
    """The overlay mark kind of a check rule code (single point of failure, gap or other)."""
    from lifecycle.checks.registry import Family as RuleFamily
    from lifecycle.checks.registry import all_rules

    rule = all_rules().get(code)
    if rule is None:
        return "other"
    if rule.family is RuleFamily.SPOF:
        return "spof"
    return "gap" if rule.family in (RuleFamily.GAPS, RuleFamily.DATA) else "other"


def _checked(document: Document, lane_map: LaneMap) -> LaneMap:
    try:
        from lifecycle.checks import check
    except ImportError as exc:
        raise ChecksUnavailable(
            f"the findings overlay needs lifecycle.checks, which is unavailable: {exc}"
        ) from None
    return overlay_findings(lane_map, check(document), document.workflow, mark_kind)


def build_map(
    document: Document,
    *,
    phases: Sequence[str] | None = None,
    journey: str | None = None,
    overview: bool = False,
    overlay: bool = False,
    spacing: Spacing = SCREEN,
) -> Figure:
    """Build one map of ``document``: a swimlane map (the default), a journey map
    or the lifecycle overview.

    Parameters
    ----------
    document
        A loaded workflow.
    phases
        For the swimlane map: the phases to show (all when empty).
    journey
        Build the journey map of this journey instead.
    overview
        Build the lifecycle overview instead.
    overlay
        Mark the check findings on a swimlane or journey map.
    spacing
        The room between a swimlane or journey map's parts (:data:`~lifecycle.drawing.layout.PRINT`
        for a printed page).

    Returns
    -------
    Figure
        The graph (render it with ``graph.pipe(format=...)``) and Mermaid text.

    Raises
    ------
    UnknownElement
        When a phase or the journey is not in the workflow.
    ChecksUnavailable
        When ``overlay`` is asked for and the checks cannot be imported.
    UnsupportedMap
        When ``overlay`` is asked for with ``overview``.
    """
    workflow = document.workflow
    if overlay and overview:
        raise UnsupportedMap("the findings overlay marks swimlane and journey maps, not the overview")
    if overview:
        return Figure(overview_graph(workflow), overview_mermaid(workflow), None)
    lane_map = journey_map(workflow, journey) if journey else swimlane_map(workflow, phases)
    if overlay:
        lane_map = _checked(document, lane_map)
    return Figure(draw_lane_map(lane_map, spacing), lane_map_mermaid(lane_map), lane_map)
