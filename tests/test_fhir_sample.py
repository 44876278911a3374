"""The shipped sample Bundle (workflows/examples/fhir-referral-tasks.json) imports and
replays against the shipped FHIR referral Task lifecycle with exactly the deviations
docs/conformance.md says it holds, and the documented commands print that."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from event_rows import read_rows

from lifecycle.cli import main
from lifecycle.interchange.conformance import replay
from lifecycle.interchange.fhir_tasks import FhirTaskReader
from lifecycle.loader import load

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW_FILE = ROOT / "workflows" / "fhir-referral-task.yaml"
SAMPLE = ROOT / "workflows" / "examples" / "fhir-referral-tasks.json"
FITTING = {"T-2001", "T-2002", "T-2003", "T-2004", "T-2005", "T-2006", "T-2007", "T-2012"}


def _cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, err


def test_every_provenance_agent_is_a_role_or_person_of_the_shipped_workflow() -> None:
    workflow = load(WORKFLOW_FILE).workflow
    names = set(workflow.roles) | set(workflow.people)
    reader = FhirTaskReader(str(SAMPLE))
    events = reader.events()
    assert reader.bad_rows == []
    assert {event.resource for event in events} <= names
    assert all(event.resource for event in events)  # every version has its Provenance


def test_the_sample_replays_with_one_deviation_of_each_kind() -> None:
    reader = FhirTaskReader(str(SAMPLE))
    result = replay(load(WORKFLOW_FILE).workflow, "referral-task", reader, unit=reader.unit)
    assert (result.cases, result.events, result.fitting_cases) == (13, 50, 8)
    assert result.deviation_counts() == {
        "skipped-step": 1,
        "out-of-order": 1,
        "wrong-role": 1,
        "unknown-activity": 1,
        "open-too-long": 1,
    }
    by_case = {row["case"]: row for row in result.case_table()}
    assert {case for case, row in by_case.items() if row["fit"]} == FITTING
    found = {(d.case, d.kind, d.activity, d.detail) for d in result.deviations()}
    assert found == {
        (
            "T-2008",
            "wrong-role",
            "completed",
            "jlee does not act for hub-intake, who may move a case to completed",
        ),
        ("T-2009", "skipped-step", "in-progress", "skipped accepted (from requested)"),
        ("T-2010", "out-of-order", "accepted", "after the case ended at rejected"),
        (
            "T-2011",
            "open-too-long",
            "on-hold",
            "open 36.0 days after its first event (limit 30 days), last at on-hold",
        ),
        (
            "T-2013",
            "unknown-activity",
            "received",
            "not a step or exit of journey referral-task (did you mean 'rejected'?)",
        ),
    }
    # entered-in-error after completed is a move the workflow allows (T-2007),
    # and a Task created already requested skips no step (draft is optional).
    assert by_case["T-2007"]["at"] == "entered-in-error"
    assert by_case["T-2002"]["at"] == "completed"


def test_the_documented_command_prints_what_the_docs_say(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("conformance", str(WORKFLOW_FILE), "--journey", "referral-task", "--log", str(SAMPLE))
    code, out, err = _cli(*args, capsys=capsys)
    assert code == 0, err
    first = out.splitlines()[0]
    assert first == "journey referral-task: 13 cases, 50 events: 8 fit the journey (fitness 0.615)"
    assert first in (ROOT / "docs" / "conformance.md").read_text(encoding="utf-8")
    code, out, _ = _cli(*args, "--format", "json", capsys=capsys)
    report = json.loads(out)
    assert (report["case_count"], report["fitting_cases"]) == (13, 8)
    assert set(report["deviations"].values()) == {1}


def test_import_fhir_converts_the_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_path = tmp_path / "tasks.csv"
    code, out, _ = _cli("import", "fhir", str(SAMPLE), "-o", str(out_path), capsys=capsys)
    assert code == 0 and out.strip() == f"wrote {out_path}: 50 events of 13 cases"
    # The file holds the Bundle's events, each as the FHIR reader finds it.
    found = [(e.case, e.activity, e.resource, e.timestamp) for e in FhirTaskReader(str(SAMPLE)).events()]
    assert read_rows(out_path) == sorted(found)
