"""Text XES cannot carry: a control character that XML 1.0 cannot hold, even as
``&#1;``, is refused at export in one line naming where it is, and no file is
written; the CSV event log carries the same text exactly. Regression: a FHIR
identifier holding U+0001 used to be written raw into an XES file that
lifecycle's own reader then refused as not well-formed."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_run import CliResult

from lifecycle.interchange.event_log import EventLogReader
from lifecycle.interchange.history import LogEvent, write_xes
from lifecycle.safe_output import OutputError

ROOT = Path(__file__).resolve().parent.parent
JOURNEY_FILE = ROOT / "workflows" / "fhir-referral-task.yaml"
CASE = "urn:cbo|R\x0117"

RunCli = Callable[..., CliResult]


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
