"""A status journey (no step has a stage) has no stage-to-stage figures: the
conformance JSON says so with null figures and a reason, the JOC report says so
instead of drawing an empty funnel; and ``lifecycle report --log`` reads a FHIR
Bundle as ``lifecycle conformance`` does (one reader, open_log)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from lifecycle.cli import main
from lifecycle.interchange.conformance import replay
from lifecycle.interchange.event_log import EventLogReader
from lifecycle.interchange.fhir_tasks import FhirTaskReader
from lifecycle.interchange.log_reader import open_log
from lifecycle.loader import load
from lifecycle.report.joc import Referrals
from lifecycle.report.joc_charts import deviation_chart

ROOT = Path(__file__).resolve().parent.parent
FHIR_WORKFLOW = ROOT / "workflows" / "fhir-referral-task.yaml"
SAMPLE = ROOT / "workflows" / "examples" / "fhir-referral-tasks.json"
MEMBER_WORKFLOW = ROOT / "workflows" / "payer-cbo-partnership.yaml"
REASON = "the journey's steps are statuses without a stage"


def _cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, err


def test_the_json_of_a_status_journey_has_no_stage_figures_and_says_why(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _cli(
        "conformance",
        str(FHIR_WORKFLOW),
        "--journey",
        "referral-task",
        "--log",
        str(SAMPLE),
        "--format",
        "json",
        capsys=capsys,
    )
    assert code == 0, err
    report = json.loads(out)
    assert (report["reached"], report["conversion"], report["no_stage_figures"]) == (None, None, REASON)
    assert report["stalls"]  # the figures a status journey does have are kept


def test_the_json_of_a_member_journey_keeps_its_stage_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "events.csv"
    log.write_text(
        "case,activity,timestamp\n"
        "R1,plan-identifies,2026-03-02T09:00:00Z\n"
        "R1,cbo-receives,2026-03-03T09:00:00Z\n"
    )
    code, out, err = _cli(
        "conformance",
        str(MEMBER_WORKFLOW),
        "--journey",
        "member",
        "--log",
        str(log),
        "--format",
        "json",
        capsys=capsys,
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["no_stage_figures"] is None
    assert report["reached"]["identification"] == 1
    assert len(report["conversion"]) == 4


def test_one_reader_chooses_by_name_unless_told() -> None:
    assert isinstance(open_log("tasks.json"), FhirTaskReader)
    assert isinstance(open_log("tasks.bundle", "fhir"), FhirTaskReader)
    assert isinstance(open_log("tasks.json", "csv"), EventLogReader)
    assert open_log("events.xes").format is None and open_log("events.log", "xes").format == "xes"


@pytest.fixture
def hub_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A partnership tracked on the FHIR referral Task workflow."""
    db = tmp_path / "hub.db"
    code, _, err = _cli(
        "partnership",
        "start",
        "riverbend-hub",
        "--workflow",
        str(FHIR_WORKFLOW),
        "--start",
        "2026-01-01",
        "--end",
        "2026-12-31",
        "--db",
        str(db),
        "--as",
        "jlee",
        capsys=capsys,
    )
    assert code == 0, err
    return db


def test_the_joc_report_reads_a_fhir_bundle_and_says_there_are_no_stage_figures(
    hub_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "joc.html"
    code, said, err = _cli(
        "report",
        "riverbend-hub",
        "--db",
        str(hub_db),
        "--log",
        str(SAMPLE),
        "--journey",
        "referral-task",
        "-o",
        str(out),
        "--at",
        "2026-04-20 09:00",
        capsys=capsys,
    )
    assert (code, said, err) == (0, f"wrote {out}\n", "")
    page = out.read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", "\n", re.sub(r"<svg.*?</svg>", "", page, flags=re.DOTALL)))
    lines = [line for line in text.splitlines() if line.strip()]
    assert "13 referrals, 50 events; 8 fit the map (fitness 61.5%)" in lines
    assert f"no stage to stage figures (funnel, time between stages): {REASON}" in lines
    assert not any("→" in line for line in lines)  # no stage-to-stage line of zeros
    assert [f"deviations {kind}: 1" in lines for kind in ("wrong-role", "unknown-activity")] == [True, True]
    # Referrals per week and deviations by kind; no empty funnel or stage-time chart.
    assert page.count("<svg") == 2
    assert "Referrals per week" in page and "Deviations from the map" in page
    assert "Referral funnel" not in page and "Time between stages" not in page


def test_the_joc_report_refuses_an_invalid_bundle_in_one_line(
    hub_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "tasks.json"
    bad.write_text('{"resourceType": "Patient"}')
    code, _, err = _cli(
        "report",
        "riverbend-hub",
        "--db",
        str(hub_db),
        "--log",
        str(bad),
        "--journey",
        "referral-task",
        "-o",
        str(tmp_path / "joc.html"),
        capsys=capsys,
    )
    assert code == 1
    assert err.strip() == f"{bad}: not a FHIR Bundle: resourceType 'Patient', expected 'Bundle'"


def test_the_deviation_chart_counts_in_whole_deviations() -> None:
    reader = open_log(str(SAMPLE))
    result = replay(load(FHIR_WORKFLOW).workflow, "referral-task", reader, unit=reader.unit)
    figure = deviation_chart(Referrals(str(SAMPLE), "referral-task", result, [], 0))
    (axes,) = figure.axes
    ticks = [tick for tick in axes.get_xticks() if 0 <= tick <= axes.get_xlim()[1]]
    assert ticks and all(float(tick).is_integer() for tick in ticks)
