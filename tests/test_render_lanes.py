"""Lanes for everyone who works, checked on the SVG Graphviz draws, for the whole
lifecycle and for each phase of every shipped workflow: every accountable,
responsible and handoff role has a lane, every other role on a task is a chip in
its own lane tied to the card, and each handoff arrow runs from its sender's
lane to its receiver's."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from svg_shapes import SVG, Box, box, groups_by_id, points

from lifecycle.drawing.lanes import UNASSIGNED, lane_of_actor
from lifecycle.drawing.maps import build_map
from lifecycle.drawing.swimlane import handoff_tasks, performer
from lifecycle.loader import load, loads
from lifecycle.model import Workflow

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / "workflows").glob("*.yaml"))
Band = Box


def _cases() -> list[tuple[Path, str | None]]:
    cases: list[tuple[Path, str | None]] = []
    for path in WORKFLOWS:
        cases.append((path, None))
        cases.extend((path, pid) for pid in load(path).workflow.phases)
    return cases


CASES = _cases()


@pytest.fixture(params=CASES, ids=[f"{p.stem}:{ph or 'all'}" for p, ph in CASES], scope="module")
def drawn(request: pytest.FixtureRequest) -> tuple[Workflow, list[str], dict[str, ET.Element]]:
    path, phase = request.param
    workflow = load(path).workflow
    phases = [phase] if phase else list(workflow.phases)
    svg = ET.fromstring(build_map(load(path), phases=[phase] if phase else None).graph.pipe(format="svg"))
    return workflow, phases, groups_by_id(svg)


def _inside(y: float, band: Band) -> bool:
    return band[1] - 3 <= y <= band[3] + 3


def _shown_tasks(workflow: Workflow, phases: list[str]) -> dict[str, object]:
    return {tid: t for pid in phases for tid, t in workflow.phases[pid].tasks.items()}


def test_every_accountable_responsible_and_handoff_role_has_a_lane(drawn) -> None:
    workflow, phases, groups = drawn
    shown = _shown_tasks(workflow, phases)
    wanted = set()
    for task in (workflow.tasks()[tid] for tid in shown):
        wanted.update(lane_of_actor(workflow, a) for a in [*task.owner, *task.responsible])
        wanted.add(performer(workflow, task))
    for handoff in workflow.handoffs.values():
        if any(t in shown for t in handoff_tasks(workflow, handoff)):
            wanted.update(lane_of_actor(workflow, a) for a in (handoff.from_, handoff.to))
    wanted.discard(UNASSIGNED)
    missing = {lane for lane in wanted if f"lane-{lane}" not in groups}
    assert not missing, f"roles that work here have no lane: {sorted(missing)}"


def test_every_other_role_with_a_lane_is_a_chip_tied_to_the_task(drawn) -> None:
    workflow, phases, groups = drawn
    for tid in _shown_tasks(workflow, phases):
        task = workflow.tasks()[tid]
        doer = performer(workflow, task)
        on_task = {
            lane_of_actor(workflow, a)
            for a in [*task.owner, *task.responsible, *task.consulted, *task.informed]
        }
        for lane in on_task - {doer, UNASSIGNED}:
            if f"lane-{lane}" not in groups:
                continue
            chip = groups.get(f"chip-{tid}@{lane}")
            assert chip is not None, f"{lane} is on task {tid} but has no chip"
            assert f"tie-{tid}@{lane}" in groups, f"chip of {lane} on {tid} is not tied to its card"
            _, y0, _, y1 = box(chip)
            band = box(groups[f"lane-{lane}"])
            assert _inside(y0, band) and _inside(y1, band), f"chip of {lane} on {tid} is outside its lane"


def test_each_handoff_arrow_runs_from_its_senders_lane_to_its_receivers(drawn) -> None:
    workflow, phases, groups = drawn
    shown = _shown_tasks(workflow, phases)
    for hid, handoff in workflow.handoffs.items():
        if not any(t in shown for t in handoff_tasks(workflow, handoff)):
            continue
        arrow = groups.get(f"handoff-{hid}")
        assert arrow is not None, f"handoff {hid} is not drawn"
        path, head = arrow.find(f".//{SVG}path"), arrow.find(f".//{SVG}polygon")
        assert path is not None and head is not None
        sender = box(groups[f"lane-{lane_of_actor(workflow, handoff.from_)}"])
        receiver = box(groups[f"lane-{lane_of_actor(workflow, handoff.to)}"])
        assert _inside(points(path)[0][1], sender), f"{hid} does not start in its sender's lane"
        assert all(_inside(y, receiver) for _, y in points(head)), (
            f"{hid} does not end in its receiver's lane"
        )


FOOD_BANK = """
id: fb
title: Hospital and food bank
organizations:
  hosp: {name: Mercy Hospital, kind: health-system}
  food: {name: Valley Food Bank, kind: cbo}
roles:
  hosp-cm: {org: hosp, title: Care manager}
  hosp-lead: {org: hosp, title: Partnership lead}
  food-intake: {org: food, title: Intake coordinator}
  food-ops: {org: food, title: Operations manager}
  food-ed: {org: food, title: Executive director}
phases:
  pre:
    title: Pre-launch
    tasks:
      menus: {title: Plan medically tailored menus, owner: hosp-lead, responsible: food-ops}
      train: {title: Train intake staff, owner: hosp-lead, responsible: food-intake, informed: food-ed}
      test: {title: Test referrals, owner: hosp-cm, after: [menus, train]}
handoffs:
  referral: {from: hosp-cm, to: food-intake, channel: portal, passes: Member referral}
  menu-list: {from: food-ops, to: hosp-cm, channel: email, from_task: menus}
"""


def test_a_food_bank_that_does_the_work_has_its_lanes_and_its_joint_work_is_marked() -> None:
    document = loads(FOOD_BANK)
    svg = build_map(document).graph.pipe(format="svg")
    groups = groups_by_id(ET.fromstring(svg))
    assert {"lane-food-ops", "lane-food-intake", "lane-hosp-lead", "lane-hosp-cm"} <= set(groups)
    # The executive director is only informed: named under the map, not a lane.
    assert "lane-food-ed" not in groups
    assert b"so no lane" in svg and b"Executive director" in svg
    menus = groups["task-menus"]
    lane_of_menus = next(
        k for k in groups if k.startswith("lane-") and _inside(box(menus)[1], box(groups[k]))
    )
    assert lane_of_menus == "lane-food-ops"
    assert "joint with Mercy Hospital" in " ".join("".join(menus.itertext()).split())
    # The accountable hospital lead is tied to the food bank's task by an "A" chip.
    assert "".join(groups["chip-menus@hosp-lead"].itertext()).strip().endswith("A")
    assert "handoff-referral" in groups and "handoff-menu-list" in groups
    assert b"Handoffs not drawn" not in svg


def test_a_handoff_whose_roles_do_nothing_is_named_under_the_map_with_the_reason() -> None:
    text = FOOD_BANK.replace(
        "handoffs:\n", "handoffs:\n  idle: {from: food-ed, to: food-board, channel: phone}\n"
    ).replace("roles:\n", "roles:\n  food-board: {org: food, title: Board chair}\n")
    text = text.replace("informed: food-ed", "informed: hosp-cm")
    svg = build_map(loads(text)).graph.pipe(format="svg")
    assert b"Handoffs not drawn" in svg and b"neither role takes part in any task" in svg


def test_organization_labels_break_between_words() -> None:
    svg = ET.fromstring(build_map(loads(FOOD_BANK)).graph.pipe(format="svg"))
    lines = [t.text or "" for t in groups_by_id(svg)["org-hosp"].iter(f"{SVG}text")]
    assert " ".join(lines) == "Mercy Hospital (health system)", lines
