"""The export's text annotation lists the handoffs of the exported scope that have no
BPMN form, and only those: a phase's file does not list another phase's handoffs just
because one of their roles has a lane here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT
from lxml import etree
from shipped_scopes import SHIPPED

from lifecycle.drawing.swimlane import handoff_tasks
from lifecycle.interchange.bpmn_export import export_bpmn
from lifecycle.interchange.bpmn_names import BPMN
from lifecycle.loader import load

PHASES = [(path, pid) for path in SHIPPED for pid in load(path).workflow.phases]


@pytest.mark.parametrize(("path", "phase"), PHASES, ids=[f"{p.stem}-{pid}" for p, pid in PHASES])
def test_a_phase_lists_only_its_own_handoffs(path: Path, phase: str) -> None:
    workflow = load(path).workflow
    root = etree.fromstring(export_bpmn(workflow, phases=[phase]))
    note = root.findtext(f".//{{{BPMN}}}textAnnotation/{{{BPMN}}}text") or ""
    listed = re.findall(r"^- ([\w-]+):", note, re.MULTILINE)
    tasks = set(workflow.phases[phase].tasks)
    assert [h for h in listed if not tasks & set(handoff_tasks(workflow, workflow.handoffs[h]))] == []


def test_the_partnership_lists_its_role_to_role_handoffs() -> None:
    workflow = load(ROOT / "workflows" / "payer-cbo-partnership.yaml").workflow
    root = etree.fromstring(export_bpmn(workflow))
    note = root.findtext(f".//{{{BPMN}}}textAnnotation/{{{BPMN}}}text") or ""
    assert re.findall(r"^- ([\w-]+):", note, re.MULTILINE) == ["outreach-assignment", "transition-briefing"]
