"""A journey move that names its handoff (``via``) is drawn as that handoff: from
its own ``from`` role's lane to its ``to`` role's lane, whoever owns the two steps,
checked on the SVG of every shipped journey, the stress journey and a journey
whose handoff runs between roles that own neither step."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from stress import stress_journey

from lifecycle.drawing.lanes import lane_of_actor
from lifecycle.drawing.maps import build_map
from lifecycle.loader import Document, load, loads

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")

ELSEWHERE = """
id: elsewhere
title: A referral passed between coordinators
organizations:
  plan: {name: Plan, kind: payer}
  cbo: {name: Food bank, kind: cbo}
roles:
  plan-cm: {org: plan, title: Care manager}
  plan-coord: {org: plan, title: Referral coordinator}
  cbo-intake: {org: cbo, title: Intake coordinator}
  cbo-nav: {org: cbo, title: Navigator}
handoffs:
  referral: {from: plan-coord, to: cbo-intake, channel: portal, passes: Referral}
journeys:
  member:
    title: Member referral
    start: found
    steps:
      found: {title: Care manager finds the member, stage: identification, owner: plan-cm, next: reached}
      reached:
        title: Navigator reaches the member
        stage: engagement
        owner: cbo-nav
        via: referral
        next: done
    exits:
      done: {title: Served, kind: completed}
"""


def _documents() -> dict[str, Document]:
    found = {"stress": loads(stress_journey()), "elsewhere": loads(ELSEWHERE)}
    for path in sorted((ROOT / "workflows").glob("*.yaml")):
        found[path.stem] = load(path)
    return found


CASES = [
    (name, jid)
    for name, document in _documents().items()
    for jid, journey in document.workflow.journeys.items()
    if any(step.via for step in journey.steps.values())
]


def _points(element: ET.Element) -> list[tuple[float, float]]:
    values = [float(v) for v in NUMBER.findall(element.get("points") or element.get("d") or "")]
    return list(zip(values[::2], values[1::2], strict=False))


def _band(group: ET.Element) -> tuple[float, float]:
    ys = [y for shape in group.iter() if shape.tag.endswith(("polygon", "path")) for _, y in _points(shape)]
    return min(ys), max(ys)


def test_the_cases_cover_shipped_journeys_and_a_handoff_between_other_roles() -> None:
    names = {name for name, _ in CASES}
    assert {"elsewhere", "stress", "payer-cbo-partnership"} <= names


@pytest.mark.parametrize("name,jid", CASES, ids=[f"{n}:{j}" for n, j in CASES])
def test_each_via_arrow_runs_from_the_handoffs_from_lane_to_its_to_lane(name: str, jid: str) -> None:
    document = _documents()[name]
    workflow = document.workflow
    journey = workflow.journeys[jid]
    svg = ET.fromstring(build_map(document, journey=jid).graph.pipe(format="svg"))
    groups = {g.get("id", ""): g for g in svg.iter(f"{SVG}g")}
    checked = 0
    for sid, step in journey.steps.items():
        for target in step.next:
            via = journey.steps[target].via if target in journey.steps else None
            if via is None:
                continue
            handoff = workflow.handoffs[via]
            arrow = groups.get(f"handoff-{sid}--{target}")
            assert arrow is not None, f"the move {sid} -> {target} via {via} is not drawn"
            path, head = arrow.find(f".//{SVG}path"), arrow.find(f".//{SVG}polygon")
            assert path is not None and head is not None
            low, high = _band(groups[f"lane-{lane_of_actor(workflow, handoff.from_)}"])
            assert low <= _points(path)[0][1] <= high, (
                f"{sid} -> {target} does not start in {handoff.from_}'s lane"
            )
            low, high = _band(groups[f"lane-{lane_of_actor(workflow, handoff.to)}"])
            assert all(low <= y <= high for _, y in _points(head)), (
                f"{sid} -> {target} does not end in {handoff.to}'s lane"
            )
            checked += 1
    assert checked


def test_a_handoff_end_away_from_its_step_is_a_chip_tied_to_the_step() -> None:
    document = loads(ELSEWHERE)
    svg = ET.fromstring(build_map(document, journey="member").graph.pipe(format="svg"))
    ids = {g.get("id") for g in svg.iter(f"{SVG}g")}
    # Neither step's owner is an end of the handoff: both ends are chips in their roles' lanes.
    assert {"lane-plan-coord", "lane-cbo-intake", "lane-plan-cm", "lane-cbo-nav"} <= ids
    assert {"chip-found@plan-coord", "chip-reached@cbo-intake"} <= ids
    assert {"tie-found@plan-coord", "tie-reached@cbo-intake"} <= ids
