"""The findings overlay: check findings marked on a lane map, with a legend.

A finding is about one element (``Diagnostic.element``): a task or step gets a
thick coloured border and the rule code, a role's lane header the same (every
code when a role has several findings), an exit gate its hexagon (through its
phase or one of its criteria), a person marks the lanes of every role they hold
(or their own lane) and every task and handoff they act in, an escalation path
the lanes of its roles, and a handoff colours its arrow. Single points of
failure are red, gaps orange, other findings purple; the footer lists every
marked finding so a facilitator can read the wall.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from lifecycle.diagnostics import Diagnostic
from lifecycle.drawing.lane_model import LaneMap, Mark, MarkKind
from lifecycle.drawing.lanes import lane_of_actor
from lifecycle.model import Workflow

__all__ = ["gate_key", "overlay_findings"]


def gate_key(block: str) -> str:
    """The key a finding about a block's exit gate is marked under."""
    return f"gate.{block}"


def _targets(workflow: Workflow, lane_map: LaneMap, element: str) -> list[str]:
    """The keys on ``lane_map`` that stand for ``element``: the card, lane or arrow
    itself; a gate through its phase or criterion; a person through the lanes,
    tasks and handoffs they act in; an escalation path through its roles' lanes."""
    cards = {c.key for c in lane_map.cards}
    lanes = {lane.key for lane in lane_map.lanes}
    arrows = {link.element or link.key for link in lane_map.links}
    if element in cards | lanes | arrows:
        return [element]
    gated = {b.key: b for b in lane_map.blocks if b.gate is not None}
    for pid, phase in workflow.phases.items():
        criteria = phase.exit_gate.criteria if phase.exit_gate else {}
        if pid in gated and (element == pid or element in criteria):
            return [gate_key(pid)]
    if element in workflow.people:
        found = [rid for rid, role in workflow.roles.items() if element in role.held_by and rid in lanes]
        found += [element] if element in lanes else []
        for tid, task in workflow.tasks().items():
            if tid in cards and element in {*task.owner, *task.responsible, *task.consulted, *task.informed}:
                found.append(tid)
        found += [hid for hid, h in workflow.handoffs.items() if hid in arrows and element in (h.from_, h.to)]
        return found
    if element in workflow.roles:
        # A role with no lane here may still sign off a gate that is drawn.
        return [
            gate_key(pid)
            for pid, phase in workflow.phases.items()
            if pid in gated
            and phase.exit_gate is not None
            and any(element in c.signoff for c in phase.exit_gate.criteria.values())
        ]
    if element in workflow.escalations:
        levels = (lane_of_actor(workflow, actor) for actor in workflow.escalations[element].levels)
        return list(dict.fromkeys(lane for lane in levels if lane in lanes))
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
