"""Any text through the exported event logs. XES: a character XML 1.0 cannot hold,
even as ``&#1;``, is refused at export in one line naming where it is, and no file
is written (regression: a FHIR identifier holding U+0001 was written raw into an
XES file lifecycle's own reader then refused as not well-formed). CSV: any text
reads back exactly (regression: a lone carriage return went out unquoted, and the
row was read as two malformed ones)."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_run import CliResult
from event_rows import read_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifecycle.interchange.event_log import EventLogReader
from lifecycle.interchange.history import LogEvent, events_csv, write_xes
from lifecycle.safe_output import OutputError

ROOT = Path(__file__).resolve().parent.parent
JOURNEY_FILE = ROOT / "workflows" / "fhir-referral-task.yaml"
CASE = "urn:cbo|R\x0117"

RunCli = Callable[..., CliResult]
# Any text a str can hold in UTF-8, control characters too.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
MOMENTS = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC)
)


def _bundle(path: Path) -> Path:
    """A FHIR searchset Bundle of one referral Task whose identifier value holds U+0001."""
    task = {
        "resourceType": "Task",
        "id": "t",
        "meta": {"versionId": "1", "lastUpdated": "2026-03-02T09:00:00Z"},
        "status": "requested",
        "intent": "order",
        "identifier": [{"system": "urn:cbo", "value": "R\x0117"}],
        "for": {"reference": "Patient/member-1"},
    }
    bundle = {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": task}]}
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def test_import_fhir_refuses_an_xes_file_it_could_not_read_back(tmp_path: Path, run_cli: RunCli) -> None:
    bundle = _bundle(tmp_path / "tasks.json")
    xes = tmp_path / "tasks.xes"
    result = run_cli("import", "fhir", bundle, "--fhir-case", "identifier", "-o", xes)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{xes}: cannot write XES: the case 'urn:cbo|R\\x0117' holds U+0001,"
        " a character XML 1.0 (so XES) cannot carry even escaped (a CSV event log can)"
    ]
    assert not xes.exists()


def test_import_fhir_to_csv_carries_the_same_identifier_exactly(tmp_path: Path, run_cli: RunCli) -> None:
    bundle = _bundle(tmp_path / "tasks.json")
    csv = tmp_path / "tasks.csv"
    written = run_cli("import", "fhir", bundle, "--fhir-case", "identifier", "-o", csv)
    assert (written.returncode, written.stdout) == (0, f"wrote {csv}: 1 event of 1 case\n")
    (batch,) = EventLogReader(str(csv))
    assert batch.cases.to_pylist() == [CASE]
    replayed = run_cli("conformance", JOURNEY_FILE, "--journey", "referral-task", "--log", csv)
    assert replayed.returncode == 0, replayed.stderr
    assert "1 case, 1 event: 1 fit the journey" in replayed.stdout


@pytest.mark.parametrize(
    ("field", "where"),
    [
        ("activity", "case 'c', event 2: activity"),
        ("resource", "case 'c', event 2: resource"),
        ("transition", "case 'c', event 2: transition"),
    ],
)
def test_the_refusal_names_the_event_and_attribute(field: str, where: str) -> None:
    at = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    fine = LogEvent("c", "requested", at, "kpark", "complete")
    values = {"case": "c", "activity": "accepted", "timestamp": at + dt.timedelta(hours=1)}
    values |= {"resource": "kpark", "transition": "complete"}
    values[field] = "a\x00b" if field != "transition" else "complete\ufffe"
    bad = LogEvent(**values)  # type: ignore[arg-type]
    out = io.StringIO()
    with pytest.raises(OutputError) as refused:
        write_xes([bad, fine], out, name="log")
    shown = repr(values[field])
    code = "0000" if field != "transition" else "FFFE"
    assert str(refused.value) == (
        f"cannot write XES: {where} {shown} holds U+{code},"
        " a character XML 1.0 (so XES) cannot carry even escaped (a CSV event log can)"
    )
    assert out.getvalue() == ""


def test_the_log_name_is_checked_too() -> None:
    out = io.StringIO()
    with pytest.raises(OutputError, match=r"^cannot write XES: the log name 'a\\x1bb' holds U\+001B,"):
        write_xes([], out, name="a\x1bb")
    assert out.getvalue() == ""


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    logged=st.lists(
        st.builds(LogEvent, TEXT, TEXT, MOMENTS, TEXT, st.just("complete")), min_size=1, max_size=20
    )
)
def test_any_text_survives_the_csv_event_log_exactly(tmp_path: Path, logged: list[LogEvent]) -> None:
    """The CSV event log carries what XES cannot: any text, control characters and
    line breaks included, reads back the same in lifecycle's reader."""
    path = tmp_path / "any.csv"
    path.write_text(events_csv(logged), encoding="utf-8", newline="")
    got = [(case, activity, resource) for case, activity, resource, _ in read_rows(path)]
    assert got == sorted((e.case, e.activity, e.resource) for e in logged)


def test_names_a_csv_reader_might_take_for_missing_are_read_as_written(tmp_path: Path) -> None:
    at = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    logged = [LogEvent("NA", "null", at, "N/A", "complete"), LogEvent("nan", "NULL", at, "", "complete")]
    path = tmp_path / "names.csv"
    path.write_text(events_csv(logged), encoding="utf-8")
    reader = EventLogReader(str(path))
    (batch,) = reader
    assert (batch.cases.to_pylist(), batch.activities.to_pylist()) == (["NA", "nan"], ["null", "NULL"])
    assert batch.resources is not None and batch.resources.to_pylist() == ["N/A", None]  # empty: not recorded
    assert reader.bad_rows == []
