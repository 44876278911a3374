"""FHIR import: a Bundle of referral Task versions read as journey events, replayed
against the shipped FHIR referral Task lifecycle (workflows/fhir-referral-task.yaml),
converted to an event log; invalid resources located by entry index and path; hostile
files refused in one line. The shipped sample Bundle is tested in test_fhir_sample.py."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifecycle.cli import main
from lifecycle.interchange.conformance import replay
from lifecycle.interchange.event_log import EventLogError, EventLogReader
from lifecycle.interchange.fhir_tasks import TASK_STATUSES, FhirTaskOptions, FhirTaskReader
from lifecycle.loader import load

ROOT = Path(__file__).resolve().parent.parent
JOURNEY_FILE = ROOT / "workflows" / "fhir-referral-task.yaml"
WORKFLOW = load(JOURNEY_FILE).workflow
T0 = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


def _at(hours: float) -> str:
    return (T0 + dt.timedelta(hours=hours)).isoformat().replace("+00:00", "Z")


def task(task_id: str, version: int, status: str, hours: float, **extra: Any) -> dict[str, Any]:
    """A Bundle entry holding one version of a referral Task."""
    resource = {
        "resourceType": "Task",
        "id": task_id,
        "meta": {"versionId": str(version), "lastUpdated": _at(hours)},
        "status": status,
        "intent": "order",
        "code": {"coding": [{"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"}]},
        "for": {"reference": "Patient/member-1"},
        **extra,
    }
    return {"fullUrl": f"https://fhir.example.org/Task/{task_id}/_history/{version}", "resource": resource}


def provenance(target: str, who: str, hours: float) -> dict[str, Any]:
    """A Bundle entry with a Provenance saying who made a Task version (a person or
    role id of the shipped workflow, as a Practitioner reference)."""
    return {
        "resource": {
            "resourceType": "Provenance",
            "target": [{"reference": target}],
            "recorded": _at(hours),
            "agent": [{"who": {"reference": f"Practitioner/{who}"}}],
        }
    }


def bundle(entries: list[dict[str, Any]], kind: str = "history") -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": kind, "entry": entries}


def _write(path: Path, content: object) -> Path:
    path.write_text(json.dumps(content) if not isinstance(content, str) else content)
    return path


def _cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, err


def referrals() -> dict[str, Any]:
    """Four referral Tasks, their versions newest first as a history Bundle lists them.

    - ref-fit: draft, requested, accepted (by the hub's mgonzalez), in-progress,
      completed (a note edit repeats in-progress): fits;
    - ref-skip: draft, requested, in-progress (skipped-step: accepted), completed;
    - ref-error: draft, requested, accepted, completed, entered-in-error (which
      may follow completed), then in-progress after the case ended: out-of-order;
    - ref-role: draft, requested, then accepted by the plan's jlee, whom
      Provenance names: wrong-role; left open at accepted.
    """
    fit = [
        task("ref-fit", 1, "draft", 0),
        task("ref-fit", 2, "requested", 1),
        task("ref-fit", 3, "accepted", 20),
        task("ref-fit", 4, "in-progress", 30),
        task("ref-fit", 5, "in-progress", 31, note=[{"text": "called the member"}]),
        task("ref-fit", 6, "completed", 100),
    ]
    skip = [
        task("ref-skip", 1, "draft", 1.5),
        task("ref-skip", 2, "requested", 2),
        task("ref-skip", 3, "in-progress", 50),
        task("ref-skip", 4, "completed", 90),
    ]
    error = [
        task("ref-error", 1, "draft", 2.5),
        task("ref-error", 2, "requested", 3),
        task("ref-error", 3, "accepted", 10),
        task("ref-error", 4, "completed", 60),
        task("ref-error", 5, "entered-in-error", 70),
        task("ref-error", 6, "in-progress", 80),
    ]
    role = [
        task("ref-role", 1, "draft", 3.5),
        task("ref-role", 2, "requested", 4),
        task("ref-role", 3, "accepted", 5),
    ]
    entries = [entry for versions in (fit, skip, error, role) for entry in reversed(versions)]
    entries += [
        provenance("Task/ref-fit/_history/3", "mgonzalez", 20),
        provenance("Task/ref-role/_history/3", "jlee", 5),
        provenance("Task/ref-role", "jlee", 4),  # unversioned: matched by time
    ]
    return bundle(entries)


def test_a_history_bundle_replays_with_the_expected_deviations(tmp_path: Path) -> None:
    path = _write(tmp_path / "tasks.json", referrals())
    reader = FhirTaskReader(str(path))
    result = replay(WORKFLOW, "referral-task", reader, unit=reader.unit, as_of=T0 + dt.timedelta(days=60))
    assert reader.bad_rows == []
    assert result.cases == 4
    assert result.events == 5 + 4 + 6 + 3  # the note edit is no status change
    assert result.deviation_counts() == {
        "skipped-step": 1,
        "out-of-order": 1,
        "wrong-role": 1,
        "unknown-activity": 0,
        "open-too-long": 1,
    }
    by_case = {row["case"]: row for row in result.case_table()}
    assert by_case["ref-fit"]["fit"] and by_case["ref-fit"]["at"] == "completed"
    assert [d["kind"] for d in by_case["ref-role"]["deviations"]] == ["wrong-role", "open-too-long"]
    (wrong,) = [d for d in result.deviations() if d.kind == "wrong-role"]
    assert wrong.where == "entry 16"  # Bundle.entry[16]: ref-role's version 3
    assert "jlee does not act for hub-intake" in wrong.detail
    (late,) = [d for d in result.deviations() if d.kind == "out-of-order"]
    assert (late.case, late.activity, late.detail) == (
        "ref-error",
        "in-progress",
        "after the case ended at entered-in-error",
    )


def test_events_are_status_changes_in_time_order_with_provenance_as_resource(tmp_path: Path) -> None:
    events = FhirTaskReader(str(_write(tmp_path / "tasks.json", referrals()))).events()
    fit = [(e.activity, e.resource) for e in events if e.case == "ref-fit"]
    assert fit == [
        ("draft", ""),
        ("requested", ""),
        ("accepted", "mgonzalez"),
        ("in-progress", ""),
        ("completed", ""),
    ]
    role = [(e.activity, e.resource) for e in events if e.case == "ref-role"]
    assert role == [("draft", ""), ("requested", "jlee"), ("accepted", "jlee")]
    assert [e.timestamp for e in events] == sorted(e.timestamp for e in events)


def test_requester_or_owner_stand_in_for_provenance_when_asked(tmp_path: Path) -> None:
    owner = {"owner": {"reference": "PractitionerRole/hub-intake"}}
    requester = {"requester": {"reference": "PractitionerRole/plan-referrals"}}
    path = _write(tmp_path / "tasks.json", bundle([task("t", 1, "requested", 0, **owner, **requester)]))
    for who, expected in (("none", ""), ("owner", "hub-intake"), ("requester", "plan-referrals")):
        (event,) = FhirTaskReader(str(path), FhirTaskOptions(who=who)).events()
        assert event.resource == expected


def test_identifier_and_last_modified_options(tmp_path: Path) -> None:
    extra = {"identifier": [{"system": "urn:cbo", "value": "R-17"}], "lastModified": "2026-01-05T08:00:00Z"}
    path = _write(tmp_path / "tasks.json", bundle([task("t", 1, "requested", 0, **extra)], "searchset"))
    (event,) = FhirTaskReader(str(path), FhirTaskOptions(case="identifier", time="lastModified")).events()
    assert event.case == "urn:cbo|R-17"
    assert event.timestamp == dt.datetime(2026, 1, 5, 8, tzinfo=dt.UTC)
    (event,) = FhirTaskReader(str(path)).events()
    assert (event.case, event.timestamp) == ("t", T0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    histories=st.lists(
        st.lists(st.sampled_from(TASK_STATUSES), min_size=1, max_size=8), min_size=1, max_size=6
    ),
    seed=st.integers(0, 1000),
)
def test_any_order_of_entries_gives_each_task_its_status_changes(
    tmp_path: Path, histories: list[list[str]], seed: int
) -> None:
    entries = [
        task(f"task-{n}", version, status, n + version)
        for n, statuses in enumerate(histories)
        for version, status in enumerate(statuses, start=1)
    ]
    random.Random(seed).shuffle(entries)
    events = FhirTaskReader(str(_write(tmp_path / "tasks.json", bundle(entries)))).events()
    for n, statuses in enumerate(histories):
        changes = [s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s]
        assert [e.activity for e in events if e.case == f"task-{n}"] == changes


def _invalid() -> dict[str, Any]:
    return bundle(
        [
            task("ok", 1, "requested", 0),
            task("bad-status", 1, "bogus", 1),
            task("bad-ref", 1, "requested", 2, **{"for": {"reference": 3}}),
            {
                "resource": {
                    "resourceType": "Task",
                    "id": "no-status",
                    "intent": "order",
                    "meta": {"lastUpdated": _at(3)},
                }
            },
            {"resource": {"resourceType": "Task", "id": "no-time", "status": "draft", "intent": "order"}},
            {"resource": {"resourceType": "Patient", "id": "member-1"}},
            {"request": {"method": "DELETE", "url": "Task/gone"}},
            provenance("Task/ok/_history/1", "jlee", 0)
            | {"resource": {"resourceType": "Provenance", "target": "Task/ok", "recorded": _at(0)}},
        ]
    )


def test_invalid_resources_are_reported_with_entry_index_and_path(tmp_path: Path) -> None:
    reader = FhirTaskReader(str(_write(tmp_path / "tasks.json", _invalid())))
    events = reader.events()
    assert [e.case for e in events] == ["ok"]
    assert [str(row) for row in reader.bad_rows] == [
        "entry 1: Task.status: 'bogus' is not a FHIR Task status (" + ", ".join(TASK_STATUSES) + ")",
        "entry 2: Task.for.reference: Input should be a valid string",
        "entry 3: Task.status: Value for the field 'status' is required.",
        "entry 4: Task.meta.lastUpdated: missing, and no Task.lastModified",
        "entry 7: Provenance.agent: Field required (and 1 more fault)",
    ]
    assert reader.bad_row_count == 5


def test_invalid_resources_skipped_or_refused_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path / "tasks.json", _invalid())
    args = ("conformance", str(JOURNEY_FILE), "--journey", "referral-task", "--log", str(path))
    code, out, err = _cli(*args, "--format", "json", capsys=capsys)
    assert code == 0
    assert json.loads(out)["case_count"] == 1
    assert (
        f"{path}: entry 2: Task.for.reference: Input should be a valid string (skipped)" in err.splitlines()
    )
    code, out, err = _cli(*args, "--on-bad-row", "fail", capsys=capsys)
    assert code != 0 and out == ""
    assert err.strip().splitlines() == [
        f"{path}: entry 1: Task.status: 'bogus' is not a FHIR Task status ("
        + ", ".join(TASK_STATUSES)
        + ") (pass --on-bad-row skip to report invalid resources and go on)"
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "tasks.json:1:2: not JSON: Expecting property name enclosed in double quotes"),
        ("[" * 100_000 + "]" * 100_000, "not a FHIR Bundle: JSON nested too deeply"),
        ("[]", "not a FHIR Bundle: the JSON is not an object"),
        ('{"resourceType": "Patient"}', "not a FHIR Bundle: resourceType 'Patient', expected 'Bundle'"),
        ('{"entry": []}', "not a FHIR Bundle: no resourceType, expected 'Bundle'"),
        ('{"resourceType": "Bundle", "entry": {}}', "Bundle.entry: not a list"),
        (b"\xff\xfe\x00{", "not JSON"),
    ],
)
def test_hostile_files_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | bytes, message: str
) -> None:
    path = tmp_path / "tasks.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    code, out, err = _cli(
        "conformance", str(JOURNEY_FILE), "--journey", "referral-task", "--log", str(path), capsys=capsys
    )
    assert code != 0 and out == ""
    (line,) = err.strip().splitlines()
    assert line.startswith(str(path)) and message in line


def test_a_bundle_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = _write(tmp_path / "tasks.json", referrals())
    with pytest.raises(EventLogError, match=r"tasks.json: [\d,]+ bytes, more than the 100 a FHIR Bundle"):
        FhirTaskReader(str(path), max_bytes=100).events()


def test_without_the_extra_the_error_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "fhir.resources.R4B.task", None)
    path = _write(tmp_path / "tasks.json", referrals())
    code, _, err = _cli(
        "conformance", str(JOURNEY_FILE), "--journey", "referral-task", "--log", str(path), capsys=capsys
    )
    assert code != 0
    assert err.strip() == (
        f"{path}: reading a FHIR Bundle needs the fhir.resources library: pip install 'lifecycle[fhir]'"
    )


def test_import_fhir_writes_an_event_log_that_replays_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle_path = _write(tmp_path / "tasks.json", referrals())
    as_of = "2026-05-01T09:00:00"
    counts = []
    for name in ("events.csv", "events.xes"):
        out_path = tmp_path / name
        code, out, _ = _cli("import", "fhir", str(bundle_path), "-o", str(out_path), capsys=capsys)
        assert code == 0 and out.strip() == f"wrote {out_path}: 18 events of 4 cases"
        reader = EventLogReader(str(out_path))
        counts.append(
            replay(
                WORKFLOW, "referral-task", reader, as_of=dt.datetime.fromisoformat(as_of)
            ).deviation_counts()
        )
    direct = replay(
        WORKFLOW, "referral-task", FhirTaskReader(str(bundle_path)), as_of=dt.datetime.fromisoformat(as_of)
    )
    assert counts == [direct.deviation_counts()] * 2
    with (tmp_path / "events.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0] == {
        "case": "ref-fit",
        "activity": "draft",
        "timestamp": "2026-03-02T09:00:00.000000+00:00",
        "resource": "",
        "transition": "complete",
    }


def test_import_fhir_refuses_other_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bundle_path = _write(tmp_path / "tasks.json", referrals())
    code, _, err = _cli("import", "fhir", str(bundle_path), "-o", str(tmp_path / "events.txt"), capsys=capsys)
    assert code != 0 and "write the events to a .csv or .xes file" in err


def test_log_format_fhir_reads_a_bundle_of_any_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path / "tasks.bundle", referrals())
    args = (
        "conformance",
        str(JOURNEY_FILE),
        "--journey",
        "referral-task",
        "--log",
        str(path),
        "--format",
        "json",
    )
    code, out, _ = _cli(*args, "--log-format", "fhir", capsys=capsys)
    assert code == 0 and json.loads(out)["case_count"] == 4
    code, _, err = _cli(*args, capsys=capsys)  # by its name, a CSV file
    assert code != 0 and "no column 'case'" in err


def test_a_resource_nested_too_deeply_is_an_invalid_resource(tmp_path: Path) -> None:
    extension: dict[str, Any] = {"url": "urn:x", "valueString": "deep"}
    for _ in range(300):
        extension = {"url": "urn:x", "extension": [extension]}
    deep = task("deep", 1, "requested", 1)
    deep["resource"]["extension"] = [extension]
    reader = FhirTaskReader(str(_write(tmp_path / "tasks.json", bundle([task("ok", 1, "draft", 0), deep]))))
    assert [e.case for e in reader.events()] == ["ok"]
    assert [str(row) for row in reader.bad_rows] == ["entry 1: Task: nested too deeply"]
