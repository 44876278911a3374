"""Degenerate workflows still draw: no phases, an empty phase, a task with no
owner, a dependency loop; and the overview follows the lifecycle machine."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from lifecycle.drawing.maps import build_map
from lifecycle.loader import loads

SVG = "{http://www.w3.org/2000/svg}"
BASE = """
id: e
title: Edge cases
organizations:
  plan: {name: Plan, kind: payer}
roles:
  poc: {org: plan, title: Point of contact}
"""


def _ids(svg: bytes) -> set[str]:
    return {g.get("id", "") for g in ET.fromstring(svg).iter(f"{SVG}g")}


def test_a_workflow_with_no_phases_draws_an_empty_map() -> None:
    ids = _ids(build_map(loads(BASE)).graph.pipe(format="svg"))
    assert "title" in ids and not any(i.startswith(("lane-", "task-")) for i in ids)


def test_an_empty_phase_still_has_its_column() -> None:
    ids = _ids(build_map(loads(BASE + "phases:\n  one: {title: One}\n")).graph.pipe(format="svg"))
    assert "block-one" in ids


def test_unowned_tasks_get_their_own_lane_and_loops_do_not_break_the_layout() -> None:
    text = BASE + (
        "phases:\n  one:\n    title: One\n    tasks:\n"
        "      a: {title: A, after: b}\n      b: {title: B, owner: poc, after: a}\n"
    )
    svg = build_map(loads(text)).graph.pipe(format="svg")
    ids = _ids(svg)
    assert {"lane-unassigned", "lane-poc", "task-a", "task-b", "after-a--b", "after-b--a"} <= ids
    assert b"No owner" in svg


def test_overview_has_every_phase_gate_and_completion_in_order() -> None:
    text = BASE + (
        "phases:\n"
        "  one: {title: First, exit_gate: {title: Ready, criteria: {c: {title: Done}}}}\n"
        "  two: {title: Second}\n"
    )
    graph = build_map(loads(text), overview=True).graph
    source = graph.source
    assert '"phase.one" -> "gate.one"' in source
    assert '"gate.one" -> "phase.two"' in source
    assert '"phase.two" -> "phase.completed"' in source
    assert b"1 criterion" in graph.pipe(format="svg")
