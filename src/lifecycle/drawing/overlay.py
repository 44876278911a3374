"""The findings overlay: check findings marked on a lane map, with a legend.

A finding is about one element (``Diagnostic.element``): a task or step gets a
thick coloured border and the rule code, a role's lane header the same, a
person marks the lanes of every role they hold, and a handoff colours its
arrow. Single points of failure are red, gaps orange, other findings purple;
the footer lists every marked finding so a facilitator can read the wall.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from lifecycle.diagnostics import Diagnostic
from lifecycle.drawing.lane_model import LaneMap, Mark, MarkKind
from lifecycle.model import Workflow

__all__ = ["overlay_findings"]


def _targets(workflow: Workflow, lane_map: LaneMap, element: str) -> list[str]:
    """The keys on ``lane_map`` that stand for ``element``."""
    on_map = {c.key for c in lane_map.cards} | {lane.key for lane in lane_map.lanes}
    on_map |= {link.element or link.key for link in lane_map.links}
    if element in on_map:
        return [element]
    if element in workflow.people:
        return [rid for rid, role in workflow.roles.items() if element in role.held_by and rid in on_map]
    return []


def overlay_findings(
    lane_map: LaneMap,
    diagnostics: Iterable[Diagnostic],
    workflow: Workflow,
    kind_of: Callable[[str], MarkKind],
) -> LaneMap:
    """A copy of ``lane_map`` with ``diagnostics`` marked on the elements they are about.

    Parameters
    ----------
    lane_map
        The map to mark.
    diagnostics
        Check findings (:func:`lifecycle.checks.check`); those about no element on
        the map are listed under it.
    workflow
        The workflow the map shows (to find the roles a person holds).
    kind_of
        The mark kind of a rule code: ``"spof"`` (single point of failure), ``"gap"`` or ``"other"``.

    Returns
    -------
    LaneMap
        The same map with :attr:`~lifecycle.drawing.lane_model.LaneMap.findings` set and
        the rule codes added to the marked cards.
    """
    findings: list[Mark] = []
    elsewhere: list[str] = []
    for d in diagnostics:
        targets = _targets(workflow, lane_map, d.element) if d.element else []
        if not targets:
            elsewhere.append(f"  - {d.code} {d.element or ''}: {d.message}")
        findings.extend(Mark(d.code, kind_of(d.code), d.message, key) for key in targets)
    codes: dict[str, list[str]] = {}
    for f in findings:
        codes.setdefault(f.element, [])
        if f.code not in codes[f.element]:
            codes[f.element].append(f.code)
    cards = [
        replace(c, label=f"{c.label}\n⚠ {' '.join(codes[c.key])}") if c.key in codes else c
        for c in lane_map.cards
    ]
    notes = list(lane_map.notes)
    if elsewhere:
        notes.append(f"Findings about elements not on this map ({len(elsewhere)}):")
        notes.extend(elsewhere)
    return replace(lane_map, cards=cards, findings=findings, notes=notes)
