"""A message flow joins two pools: BPMN 2.0 forbids one inside a pool, and modelers
(bpmn.io's linter, Camunda Modeler) reject the file. The lane map ties a role's part
in another organization's task with a chip, so a handoff can reach a role that has
no node in the task's pool; the export must still keep every message flow between
two pools, for every shipped workflow, phase and journey."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from shipped_scopes import SCOPES

from lifecycle.interchange.bpmn_export import export_bpmn
from lifecycle.interchange.bpmn_names import BPMN
from lifecycle.loader import load


@pytest.mark.parametrize(
    ("path", "kind", "key"), SCOPES, ids=[f"{p.stem}-{k}-{key or 'lifecycle'}" for p, k, key in SCOPES]
)
def test_every_message_flow_joins_two_pools(path: Path, kind: str, key: str | None) -> None:
    workflow = load(path).workflow
    scope = {"journey": key} if kind == "journey" else {"phases": [key] if key else None}
    root = etree.fromstring(export_bpmn(workflow, **scope))
    process_of = {p.get("processRef"): p.get("id") for p in root.iter(f"{{{BPMN}}}participant")}
    pool_of = {pid: pid for pid in process_of.values()}
    for process in root.iterfind(f"{{{BPMN}}}process"):
        pool_of |= {node.get("id"): process_of[process.get("id")] for node in process}
    inside = [
        flow.get("id")
        for flow in root.iter(f"{{{BPMN}}}messageFlow")
        if pool_of[flow.get("sourceRef")] == pool_of[flow.get("targetRef")]
    ]
    assert inside == []
