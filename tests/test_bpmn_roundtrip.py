"""Export then import: the same organizations, roles, tasks, handoffs and order, for every
shipped workflow, phase and journey."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from shipped_scopes import SCOPES

from lifecycle.drawing.journey import journey_map
from lifecycle.drawing.lane_model import LaneMap
from lifecycle.drawing.swimlane import swimlane_map
from lifecycle.interchange.bpmn_export import export_bpmn
from lifecycle.interchange.bpmn_import import import_bpmn, workflow_yaml
from lifecycle.loader import load, loads
from lifecycle.model import Workflow


@cache
def _workflow(path: Path) -> Workflow:
    return load(path).workflow


def _round_trip(workflow: Workflow, tmp_path: Path, **scope: Any) -> Workflow:
    bpmn = tmp_path / "export.bpmn"
    bpmn.write_bytes(export_bpmn(workflow, **scope))
    text = workflow_yaml(import_bpmn(bpmn), str(bpmn))
    return loads(text, "imported.yaml").workflow


def _orgs_and_roles(workflow: Workflow, roles: set[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    orgs = {workflow.roles[r].org for r in roles}
    return (
        {o: (workflow.organizations[o].name, workflow.organizations[o].kind) for o in orgs},
        {r: (workflow.roles[r].org, workflow.roles[r].title) for r in roles},
    )


def _org(workflow: Workflow, actor: str) -> str:
    return workflow.roles[actor].org if actor in workflow.roles else workflow.people[actor].org


def _handoff(workflow: Workflow, hid: str, *, tasks: bool = True) -> tuple[Any, ...]:
    h = workflow.handoffs[hid]
    ends = (h.from_task, h.to_task) if tasks else ()
    return (h.from_, h.to, h.channel, h.passes, *ends)


def _between_tasks(lane_map: LaneMap) -> list[str]:
    """The handoffs the map draws from one task to another. A RACI chip is a role's part
    in the task it is attached to, so an arrow at a chip runs to or from that task; a free
    chip ("sends", "receives") is a role with no task there."""
    attached = {c.key: c.attached_to for c in lane_map.cards if c.kind == "chip"}
    drawn = []
    for link in lane_map.links:
        tail, head = attached.get(link.tail, link.tail), attached.get(link.head, link.head)
        if link.kind == "handoff" and tail is not None and head is not None and tail != head:
            drawn.append(link.key)
    return drawn


@pytest.mark.parametrize(
    ("path", "kind", "key"), SCOPES, ids=[f"{p.stem}-{k}-{key or 'lifecycle'}" for p, k, key in SCOPES]
)
def test_round_trip_is_exact(path: Path, kind: str, key: str | None, tmp_path: Path) -> None:
    original = _workflow(path)
    if kind == "journey":
        assert key is not None
        back = _round_trip(original, tmp_path, journey=key)
        _same_journey(original, back, key)
        return
    back = _round_trip(original, tmp_path, phases=[key] if key else None)
    lane_map = swimlane_map(original, [key] if key else None)
    shown = {c.key for c in lane_map.cards if c.kind != "chip"}
    tasks = {tid: t for tid, t in original.tasks().items() if tid in shown}
    raci = {r for t in tasks.values() for r in (*t.owner, *t.responsible, *t.consulted, *t.informed)}
    drawn = _between_tasks(lane_map)
    # A cross-organization handoff that names a role instead of a task at one end (or both)
    # runs from or to a pool, when both organizations have a pool here.
    pools = {lane.org for lane in lane_map.lanes}
    for hid, h in original.handoffs.items():
        ends = [t for t in (h.from_task, h.to_task) if t]
        orgs = (_org(original, h.from_), _org(original, h.to))
        if hid not in drawn and all(t in shown for t in ends) and orgs[0] != orgs[1] and set(orgs) <= pools:
            drawn.append(hid)
    actors = {a for hid in drawn for a in (original.handoffs[hid].from_, original.handoffs[hid].to)}
    raci |= actors & original.roles.keys()
    # A person relied on without a role (an unofficial "go-to") may have a lane of their own.
    people = (actors | {lane.key for lane in lane_map.lanes}) & original.people.keys()
    assert {p: (original.people[p].org, original.people[p].official) for p in people} == {
        p: (person.org, person.official) for p, person in back.people.items()
    }
    people_orgs = {original.people[p].org for p in people}
    raci |= {lane.key for lane in lane_map.lanes} & original.roles.keys()
    orgs, roles = _orgs_and_roles(original, raci)
    orgs |= {o: (original.organizations[o].name, original.organizations[o].kind) for o in people_orgs}
    assert {o: (org.name, org.kind) for o, org in back.organizations.items()} == orgs
    assert {r: (role.org, role.title) for r, role in back.roles.items()} == roles
    phase_of = original.phase_of()
    assert {
        tid: (t.title, phase_of[tid], t.owner, t.responsible, t.consulted, t.informed)
        for tid, t in tasks.items()
    } == {
        tid: (t.title, back.phase_of()[tid], t.owner, t.responsible, t.consulted, t.informed)
        for tid, t in back.tasks().items()
    }
    assert list(back.phases) == [b.key for b in lane_map.blocks]
    # Order: the same relation between the tasks shown. BPMN flows have no order among
    # themselves, so a task's ``after`` list comes back in file order (it means a set).
    assert {tid: sorted(p for p in t.after if p in shown) for tid, t in tasks.items()} == {
        tid: sorted(t.after) for tid, t in back.tasks().items()
    }
    assert {hid: _handoff(original, hid) for hid in drawn} == {
        hid: _handoff(back, hid) for hid in back.handoffs
    }
    gates = {pid: original.phases[pid].exit_gate for pid in back.phases}
    assert {p: g.title for p, g in gates.items() if g} == {
        p: ph.exit_gate.title for p, ph in back.phases.items() if ph.exit_gate
    }


def _same_journey(original: Workflow, back: Workflow, key: str) -> None:
    journey, returned = original.journeys[key], back.journeys[key]
    lane_map = journey_map(original, key)
    roles = {s.owner for s in journey.steps.values()} | {lane.key for lane in lane_map.lanes}
    vias = {s.via for s in journey.steps.values() if s.via}
    roles |= {r for hid in vias for r in (original.handoffs[hid].from_, original.handoffs[hid].to)}
    orgs, role_data = _orgs_and_roles(original, roles)
    assert {o: (org.name, org.kind) for o, org in back.organizations.items()} == orgs
    assert {r: (role.org, role.title) for r, role in back.roles.items()} == role_data
    assert (returned.title, returned.start) == (journey.title, journey.start)
    assert {sid: (s.title, s.stage, s.owner, sorted(s.next), s.via) for sid, s in journey.steps.items()} == {
        sid: (s.title, s.stage, s.owner, sorted(s.next), s.via) for sid, s in returned.steps.items()
    }
    assert {e: (x.title, x.kind) for e, x in journey.exits.items()} == {
        e: (x.title, x.kind) for e, x in returned.exits.items()
    }
    # A journey names no phase tasks, so its handoffs come back without from_task/to_task.
    assert {h: _handoff(original, h, tasks=False) for h in vias} == {
        h: _handoff(back, h, tasks=False) for h in back.handoffs
    }


def test_source_and_notes_come_back(tmp_path: Path) -> None:
    original = _workflow(ROOT / "workflows" / "payer-cbo-partnership.yaml")
    back = _round_trip(original, tmp_path)
    for tid, task in back.tasks().items():
        assert (task.source, task.notes) == (original.tasks()[tid].source, original.tasks()[tid].notes)
    assert back.organizations["cbo"].notes == original.organizations["cbo"].notes
