"""The findings overlay marks every finding on the element it is about when that
element is drawn: a gate's hexagon, the go-to person's lane and the handoffs and
tasks they act in, an escalation path's lanes, every code of a role with several
findings; and the Mermaid overlay carries them too."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from lifecycle.drawing.maps import build_map
from lifecycle.loader import load, loads

ROOT = Path(__file__).resolve().parent.parent
GO_TO = ROOT / "workflows" / "examples" / "go-to-escalation.yaml"
SVG = "{http://www.w3.org/2000/svg}"


def _text(svg: bytes) -> dict[str, str]:
    return {
        g.get("id", ""): " ".join("".join(g.itertext()).split())
        for g in ET.fromstring(svg).iter(f"{SVG}g")
        if g.get("id")
    }


def test_the_go_to_person_and_the_paths_through_them_are_marked() -> None:
    svg = build_map(load(GO_TO), overlay=True).graph.pipe(format="svg")
    text = _text(svg)
    assert "SPF002" in text["lanehead-dmorgan"] and "SPF004" in text["lanehead-dmorgan"]
    # A role with two findings shows both codes, not only the first.
    assert "SPF002 SPF004" in text["lanehead-cbo-navigator"]
    assert "SPF002" in text["handoff-stuck-authorization"]
    # The sponsor has no lane but signs off the drawn gate: the gate carries the finding.
    assert "SPF001" in text["gate-implementation"]
    assert b"not on this map" not in svg


LAUNCH = """
id: l
title: Launch
organizations:
  plan: {name: Plan, kind: payer, point_of_contact: poc}
people:
  ann: {name: Ann, org: plan}
  bo: {name: Bo, org: plan}
roles:
  poc: {org: plan, title: Point of contact, held_by: [ann], backup: lead}
  lead: {org: plan, title: Lead, held_by: [bo], backup: poc}
phases:
  pre-launch:
    title: Pre-launch
    kind: pre-launch
    tasks:
      train: {title: Train staff, owner: poc}
    exit_gate:
      title: Launch readiness
      launch: true
      criteria:
        trained: {title: Staff trained, tasks: [train], signoff: [lead]}
"""


def test_a_launch_gate_finding_is_marked_on_the_drawn_gate() -> None:
    svg = build_map(loads(LAUNCH), overlay=True).graph.pipe(format="svg")
    text = _text(svg)
    assert "GATE" in text["gate-pre-launch"]
    assert b"not on this map" not in svg


def test_the_mermaid_overlay_colours_marked_elements_and_lists_every_finding() -> None:
    mermaid = build_map(load(GO_TO), overlay=True).mermaid
    assert "classDef spof stroke:#b2182b" in mermaid
    assert "style lane_lane_dmorgan stroke:#b2182b" in mermaid
    assert "linkStyle" in mermaid
    assert "%% SPF002: cross-organization handoff 'stuck-authorization'" in mermaid
    assert "%% SPF001: role 'plan-sponsor'" in mermaid
