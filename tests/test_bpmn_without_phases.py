"""A workflow with no phases (a status journey's file may map no partnership work)
still exports its whole map to BPMN: the handoffs it cannot draw are listed, not a crash."""

from __future__ import annotations

from pathlib import Path

import SpiffWorkflow.bpmn.parser as spiff_parser_package
from lxml import etree

from lifecycle.interchange.bpmn_export import export_bpmn
from lifecycle.loader import loads

XSD = Path(spiff_parser_package.__file__).parent / "schema" / "BPMN20.xsd"

NO_PHASES = """\
id: nophase
title: No phases
organizations:
  plan: {name: Riverbend Health Plan, kind: payer, point_of_contact: poc}
  cbo: {name: Eastside Community Services, kind: cbo, point_of_contact: cpoc}
people:
  jlee: {name: Jordan Lee, org: plan}
  mgo: {name: Maria Gonzalez, org: cbo}
roles:
  poc: {org: plan, title: Point of contact, held_by: jlee}
  cpoc: {org: cbo, title: Program manager, held_by: mgo}
handoffs:
  referral: {from: poc, to: cpoc, channel: portal}
"""


def test_a_workflow_without_phases_exports_and_lists_its_handoffs(tmp_path: Path) -> None:
    xml = export_bpmn(loads(NO_PHASES).workflow)
    root = etree.fromstring(xml)
    assert etree.XMLSchema(etree.parse(str(XSD))).validate(root)
    notes = " ".join(t.text or "" for t in root.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}text"))
    assert "referral" in notes
