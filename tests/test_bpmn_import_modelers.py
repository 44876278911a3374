"""Importing BPMN drawn by someone else: files in the style Camunda Modeler and bpmn.io
write, with their own ids, extension elements, a text annotation and a boundary event."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from lifecycle.cli import main
from lifecycle.interchange.bpmn_import import import_bpmn, workflow_yaml
from lifecycle.loader import load, loads
from lifecycle.model import Workflow

DATA = ROOT / "tests" / "data" / "bpmn"


def _imported(name: str) -> tuple[Workflow, list[tuple[str, str, int]]]:
    imported = import_bpmn(DATA / name)
    workflow = loads(workflow_yaml(imported, name), name).workflow
    return workflow, [(s.element, s.kind, s.line) for s in imported.skipped]


def test_camunda_referral_maps_pools_lanes_order_and_handoffs() -> None:
    workflow, skipped = _imported("camunda-referral.bpmn")
    assert {o: org.name for o, org in workflow.organizations.items()} == {
        "riverbend-health-plan": "Riverbend Health Plan",
        "eastside-community-services": "Eastside Community Services",
    }
    assert {r: (role.org, role.title) for r, role in workflow.roles.items()} == {
        "care-manager": ("riverbend-health-plan", "Care manager"),
        "utilization-management-nurse": ("riverbend-health-plan", "Utilization management nurse"),
        "intake-coordinator": ("eastside-community-services", "Intake coordinator"),
        "care-navigator": ("eastside-community-services", "Care navigator"),
    }
    tasks = workflow.tasks()
    assert {t: (task.owner, task.after) for t, task in tasks.items()} == {
        "screen-member-for-food-insecurity": (["care-manager"], []),
        # Through the "Eligible?" gateway; its "no" branch ends at an end event.
        "authorize-medically-tailored-meals": (
            ["utilization-management-nurse"],
            ["screen-member-for-food-insecurity"],
        ),
        "send-referral-to-the-cbo": (["care-manager"], ["authorize-medically-tailored-meals"]),
        "record-enrollment-in-the-care-plan": (["care-manager"], ["send-referral-to-the-cbo"]),
        "log-the-referral": (["intake-coordinator"], []),
        "call-the-member-one-contact": (["care-navigator"], ["log-the-referral"]),
        "enroll-the-member": (["care-navigator"], ["call-the-member-one-contact"]),
    }
    assert tasks["authorize-medically-tailored-meals"].notes == "Only when Eligible?: yes"
    assert tasks["screen-member-for-food-insecurity"].notes == "Hunger Vital Sign, two questions."
    (phase,) = workflow.phases.values()
    assert phase.summary is not None and "starts at 'Member flagged by risk model'" in phase.summary
    assert "'Not eligible' or 'Member enrolled'" in phase.summary
    referral = workflow.handoffs["portal-member-referral-with-member-id"]
    assert (referral.from_, referral.to, referral.channel, referral.passes) == (
        "care-manager",
        "intake-coordinator",
        "portal",
        "member referral with member ID",
    )
    assert (referral.from_task, referral.to_task) == ("send-referral-to-the-cbo", "log-the-referral")
    confirmation = workflow.handoffs["enrollment-confirmation"]
    assert (confirmation.channel, confirmation.passes) == (None, "Enrollment confirmation")
    assert skipped == [
        ("TextAnnotation_0c4v5b6", "bpmn:textAnnotation", 8),
        ("Association_1a2b3c4", "bpmn:association", 11),
        ("Process_plan_referral", "camunda:historyTimeToLive", 13),
        ("Activity_0scr05", "camunda:assignee", 31),
        ("Activity_0scr05", "camunda:formData", 34),
        ("Event_0tmr10", "bpmn:boundaryEvent", 61),
        ("Flow_0yes", "bpmn:conditionExpression", 72),
    ]


def test_zeebe_hub_intake_black_box_pool_parallel_paths_and_skips() -> None:
    workflow, skipped = _imported("zeebe-hub-intake.bpmn")
    assert list(workflow.organizations) == ["health-plan", "community-care-hub", "partner-cbo-black-box"]
    # A pool without lanes (or without a process) does its work in one role.
    assert workflow.roles["health-plan-staff"].org == "health-plan"
    assert workflow.roles["partner-cbo-black-box-staff"].org == "partner-cbo-black-box"
    tasks = workflow.tasks()
    assert sorted(tasks["assign-a-cbo-and-a-navigator"].after) == [
        "check-consent-on-file",
        "de-duplicate-against-open-referrals",
    ]
    # Order passes through the (reported) timer event.
    assert tasks["confirm-the-cbo-reached-the-member"].after == ["assign-a-cbo-and-a-navigator"]
    assignment = workflow.handoffs["member-assignment"]
    assert (assignment.from_, assignment.to, assignment.passes, assignment.to_task) == (
        "network-navigator",
        "partner-cbo-black-box-staff",
        "Member assignment",
        None,
    )
    assert workflow.handoffs["sftp-weekly-member-list"].channel == "sftp"
    assert {(element, kind) for element, kind, _ in skipped} == {
        ("Group_0scope", "bpmn:group"),
        ("Category_0c", "bpmn:category"),
        ("Activity_list", "zeebe:taskDefinition"),
        ("Activity_dedupe", "zeebe:assignmentDefinition"),
        ("Activity_dedupe", "zeebe:ioMapping"),
        ("DataOutputAssociation_0c", "bpmn:dataOutputAssociation"),
        ("DataObjectReference_consent", "bpmn:dataObjectReference"),
        ("DataObject_consent", "bpmn:dataObject"),
        ("Event_wait", "bpmn:intermediateCatchEvent"),
        ("Activity_escalate", "bpmn:subProcess"),
    }


@pytest.mark.parametrize("name", ["camunda-referral.bpmn", "zeebe-hub-intake.bpmn"])
def test_cli_report_names_each_skipped_element_and_the_file_validates(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "imported.yaml"
    with pytest.raises(SystemExit) as done:
        main(["import", "bpmn", str(DATA / name), "-o", str(out)])
    assert done.value.code == 0
    printed = capsys.readouterr().out
    skipped = import_bpmn(DATA / name).skipped
    assert f"left out {len(skipped)} elements outside the subset lifecycle reads:" in printed
    for item in skipped:
        assert f"{DATA / name}:{item.line}: {item.kind} {item.element}" in printed
    load(out)  # the written file loads on its own
    with pytest.raises(SystemExit) as done:
        main(["validate", str(out)])
    assert done.value.code == 0
