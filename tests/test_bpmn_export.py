"""``lifecycle export bpmn``: every shipped workflow, phase and journey exports to BPMN 2.0
that the OMG schemas accept and SpiffWorkflow's parser loads, each task in its role's lane."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import SpiffWorkflow.bpmn.parser as spiff_parser_package
from conftest import ROOT
from hypothesis import given, settings
from lxml import etree
from model_text import model_text
from shipped_scopes import SCOPE_IDS, SCOPES, SHIPPED
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser

from lifecycle.cli import main
from lifecycle.drawing.journey import journey_map
from lifecycle.drawing.lane_model import LaneMap
from lifecycle.drawing.swimlane import swimlane_map
from lifecycle.interchange.bpmn_export import export_bpmn, xml_safe
from lifecycle.interchange.bpmn_names import BPMN, LIFECYCLE
from lifecycle.loader import load
from lifecycle.model import Workflow

XSD = Path(spiff_parser_package.__file__).parent / "schema" / "BPMN20.xsd"


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


@cache
def _workflow(path: Path) -> Workflow:
    return load(path).workflow


def _export(path: Path, kind: str, key: str | None) -> bytes:
    workflow = _workflow(path)
    if kind == "journey":
        return export_bpmn(workflow, journey=key)
    return export_bpmn(workflow, phases=[key] if key else None)


def _lane_map(path: Path, kind: str, key: str | None) -> LaneMap:
    workflow = _workflow(path)
    if kind == "journey":
        assert key is not None
        return journey_map(workflow, key)
    return swimlane_map(workflow, [key] if key else None)


@pytest.mark.parametrize(("path", "kind", "key"), SCOPES, ids=SCOPE_IDS)
def test_export_validates_against_the_omg_schema(path: Path, kind: str, key: str | None) -> None:
    document = etree.fromstring(_export(path, kind, key))
    schema = _schema()
    assert schema.validate(document), schema.error_log.last_error


@pytest.mark.parametrize(("path", "kind", "key"), SCOPES, ids=SCOPE_IDS)
def test_spiffworkflow_loads_every_task_in_its_roles_lane(path: Path, kind: str, key: str | None) -> None:
    xml = _export(path, kind, key)
    parser = BpmnParser()
    parser.add_bpmn_str(xml)
    specs = parser.find_all_specs()
    lane_of = {
        spec_task.bpmn_id: spec_task.lane
        for spec in specs.values()
        for spec_task in spec.task_specs.values()
        if type(spec_task).__name__ == "UserTask"
    }
    lane_map = _lane_map(path, kind, key)
    titles = {lane.key: lane.title for lane in lane_map.lanes}
    # Chips (another role's part in a task) are not nodes: BPMN keeps RACI on the task.
    cards = [c for c in lane_map.cards if c.kind != "chip"]
    expected = {f"Task_{c.key}": titles[c.lane] for c in cards if c.kind != "exit"}
    assert lane_of == expected
    # One pool per organization of the map, one lane per lane of the map, named by id.
    root = etree.fromstring(xml)
    lanes = {
        lane.get("id"): {ref.text for ref in lane.iterfind(f"{{{BPMN}}}flowNodeRef")}
        for lane in root.iter(f"{{{BPMN}}}lane")
    }
    for card in cards:
        node = f"{'Exit' if card.kind == 'exit' else 'Task'}_{card.key}"
        assert node in lanes[f"Lane_{card.lane}"]
    pools = {p.get("id") for p in root.iter(f"{{{BPMN}}}participant")}
    assert pools == {f"Participant_{lane.org}" for lane in lane_map.lanes}


WITH_HANDOFFS = [
    p for p in SHIPPED if any(link.kind == "handoff" for link in swimlane_map(_workflow(p)).links)
]


@pytest.mark.parametrize("path", WITH_HANDOFFS, ids=[p.stem for p in WITH_HANDOFFS])
def test_handoffs_across_organizations_are_labelled_message_flows(path: Path) -> None:
    workflow = _workflow(path)
    root = etree.fromstring(export_bpmn(workflow))
    lane_map = swimlane_map(workflow)
    org = {lane.key: lane.org for lane in lane_map.lanes}
    lane_of = {c.key: c.lane for c in lane_map.cards}
    chips = {c.key for c in lane_map.cards if c.kind == "chip"}
    # Handoffs between two task cards; one with a role at an end runs to its pool (tested below).
    for link in (
        link for link in lane_map.links if link.kind == "handoff" and not {link.tail, link.head} & chips
    ):
        handoff = workflow.handoffs[link.key]
        across = org[lane_of[link.tail]] != org[lane_of[link.head]]
        flow = root.find(
            f".//{{{BPMN}}}{'messageFlow' if across else 'sequenceFlow'}[@id='Handoff_{link.key}']"
        )
        assert flow is not None, link.key
        channel = handoff.channel.value if handoff.channel else "no channel"
        assert flow.get("name") == (f"{channel}: {handoff.passes}" if handoff.passes else channel)
        # Inside a pool, a task with several flows leaves or is entered through a parallel gateway.
        assert flow.get("sourceRef") in (f"Task_{link.tail}", f"Split_Task_{link.tail}")
        assert flow.get("targetRef") in (f"Task_{link.head}", f"Join_Task_{link.head}")
        ext = flow.find(f".//{{{LIFECYCLE}}}handoff")
        assert ext is not None and (ext.get("from"), ext.get("to")) == (handoff.from_, handoff.to)


def test_gates_are_conditional_events_in_every_pool_and_docs_cite_the_source() -> None:
    xml = export_bpmn(_workflow(ROOT / "workflows" / "payer-cbo-partnership.yaml"), phases=["pre-launch"])
    root = etree.fromstring(xml)
    gates = root.findall(f".//{{{BPMN}}}intermediateCatchEvent")
    assert sorted(g.get("id") for g in gates) == ["Gate_pre-launch--cbo", "Gate_pre-launch--plan"]
    assert all(g.find(f"{{{BPMN}}}conditionalEventDefinition") is not None for g in gates)
    assert {g.get("name") for g in gates} == {"Launch readiness"}
    task = root.find(f".//{{{BPMN}}}userTask[@id='Task_credential-staff']")
    assert task is not None
    assert task.findtext(f"{{{BPMN}}}documentation") == "Source: 000 · Pre-launch activities"


def test_journey_exits_are_end_events() -> None:
    workflow = _workflow(ROOT / "workflows" / "payer-cbo-partnership.yaml")
    root = etree.fromstring(export_bpmn(workflow, journey="member"))
    ends = {e.get("id") for e in root.iter(f"{{{BPMN}}}endEvent")}
    assert {f"Exit_{eid}" for eid in workflow.journeys["member"].exits} <= ends


# Any text the model accepts, tabs and line feeds too (no other controls: it refuses them).
HOSTILE = model_text(max_size=60)


def _hostile(title: str) -> Workflow:
    """A workflow whose every title is ``title``, built without YAML (which refuses
    control characters) so that whatever the model accepts reaches the export."""
    return Workflow.model_validate(
        {
            "id": "hostile",
            "title": title,
            "organizations": {"plan": {"name": title, "kind": "payer"}, "cbo": {"name": "E", "kind": "cbo"}},
            "roles": {"poc": {"org": "plan", "title": title}, "pm": {"org": "cbo", "title": title}},
            "phases": {
                "p": {
                    "title": title,
                    "tasks": {
                        "a": {"title": title, "owner": "poc", "notes": title, "source": title},
                        "b": {"title": title, "owner": "pm", "after": "a"},
                    },
                    "exit_gate": {"title": title},
                }
            },
            "handoffs": {"h": {"from": "poc", "to": "pm", "passes": title, "from_task": "a", "to_task": "b"}},
        }
    )


@settings(max_examples=60, deadline=None)
@given(HOSTILE)
def test_hostile_titles_are_escaped(title: str) -> None:
    root = etree.fromstring(export_bpmn(_hostile(title)))
    assert _schema().validate(root), _schema().error_log.last_error
    task = root.find(f".//{{{BPMN}}}userTask[@id='Task_a']")
    assert task is not None
    assert task.get("name") == xml_safe(title)
    assert task.findtext(f"{{{BPMN}}}documentation") == f"{xml_safe(title)}\n\nSource: {xml_safe(title)}"


def test_cli_writes_the_file_and_refuses_unknown_scopes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = str(ROOT / "workflows" / "payer-cbo-partnership.yaml")
    out = tmp_path / "pre-launch.bpmn"
    with pytest.raises(SystemExit) as done:
        main(["export", "bpmn", shipped, "--phase", "pre-launch", "-o", str(out)])
    assert done.value.code == 0
    assert _schema().validate(etree.parse(str(out)))
    with pytest.raises(SystemExit) as done:
        main(["export", "bpmn", shipped, "--journey", "nope", "-o", str(tmp_path / "x.bpmn")])
    assert done.value.code == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no journey 'nope'" in err
    assert not (tmp_path / "x.bpmn").exists()
    with pytest.raises(SystemExit) as done:
        main(["export", "bpmn", shipped, "--phase", "scoping", "--journey", "member", "-o", str(out)])
    assert done.value.code == 2


def test_handoffs_naming_roles_run_between_pools_and_the_rest_stay_listed() -> None:
    workflow = _workflow(ROOT / "workflows" / "payer-cbo-partnership.yaml")
    root = etree.fromstring(export_bpmn(workflow))
    referral = root.find(f".//{{{BPMN}}}messageFlow[@id='Handoff_member-referral']")
    assert referral is not None
    assert (referral.get("sourceRef"), referral.get("targetRef")) == ("Participant_plan", "Participant_cbo")
    handoff = workflow.handoffs["member-referral"]
    assert referral.get("name") == f"portal: {handoff.passes}"
    # One end a task, the other a pool.
    packet = root.find(f".//{{{BPMN}}}messageFlow[@id='Handoff_credentialing-packet']")
    assert packet is not None
    assert (packet.get("sourceRef"), packet.get("targetRef")) == ("Participant_cbo", "Task_credential-staff")
    # A handoff inside one organization that names no task has no BPMN form: it is listed.
    note = root.findtext(f".//{{{BPMN}}}textAnnotation/{{{BPMN}}}text") or ""
    assert "outreach-assignment:" in note and "member-referral:" not in note


def test_a_pool_with_lanes_but_no_tasks_still_starts_and_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lane map may give a lane to a role that only hands off (no task of its own here)."""
    from lifecycle.drawing.lanes import order_lanes
    from lifecycle.interchange import bpmn_export

    workflow = _workflow(ROOT / "workflows" / "payer-cch-network.yaml")

    def with_idle_lanes(workflow: Workflow, phases: list[str] | None = None) -> LaneMap:
        lane_map = swimlane_map(workflow, phases)
        lane_map.lanes = order_lanes(workflow, [*(lane.key for lane in lane_map.lanes), "meals-director"])
        return lane_map

    monkeypatch.setattr(bpmn_export, "swimlane_map", with_idle_lanes)
    xml = export_bpmn(workflow, phases=["pre-launch"])
    assert _schema().validate(etree.fromstring(xml)), _schema().error_log.last_error
    parser = BpmnParser()
    parser.add_bpmn_str(xml)
    specs = parser.find_all_specs()
    idle = workflow.roles["meals-director"].org
    assert {t.bpmn_id for t in specs[f"Process_{idle}"].task_specs.values() if t.bpmn_id} == {
        f"Start_{idle}",
        f"End_{idle}",
    }
