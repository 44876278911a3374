"""``lifecycle report``: the JOC report of a tracked partnership, HTML and PDF."""

from __future__ import annotations

import datetime as dt
import html
import io
import itertools
import re
import sys
from pathlib import Path

import pytest
from built_once import copy_sqlite
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from lifecycle.cli import main
from lifecycle.interchange.conformance import Conformance, replay
from lifecycle.interchange.event_log import EventLogReader
from lifecycle.loader import load
from lifecycle.resilience import resilience_score
from lifecycle.tracking import Tracker
from lifecycle.tracking.status import Status, partnership_status
from lifecycle.words import count

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate_log import generate  # noqa: E402

SHIPPED = ROOT / "workflows" / "payer-cbo-partnership.yaml"
NAME = "riverside-eastside"


@pytest.fixture(scope="module")
def tracked(tmp_path_factory: pytest.TempPathFactory, demo_tracking_db: Path) -> tuple[Path, Path]:
    """The demo partnership (as scripts/demo-tracking builds it, plus a stale
    sign-off) on a SQLite file, and a generated log of its member journey."""
    folder = tmp_path_factory.mktemp("joc")
    db = folder / "demo.db"
    copy_sqlite(demo_tracking_db, db)
    with pytest.raises(SystemExit) as stopped:
        main(
            [
                "gate",
                "signoff",
                NAME,
                "pre-launch",
                "--as",
                "kwalsh",
                "--evidence",
                "trained",
                "--db",
                str(db),
            ]
        )
    assert stopped.value.code in (0, None)
    log = generate(3000, seed=11, share=0.2)
    path = folder / "referrals.csv"
    log.write_csv(path)
    return db, path


def _cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, err


def _meeting() -> dt.datetime:
    """Five days on, when the demo's escalation is overdue at its first level."""
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=5)).replace(second=0, microsecond=0)


def _text(page: str) -> str:
    """The visible text of the HTML outside the charts, one list item a line."""
    body = re.sub(r"<svg.*?</svg>", "", page, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", "\n", body))


def _expected(db: Path, log: Path, at: dt.datetime) -> tuple[Status, Conformance]:
    status = partnership_status(Tracker.open(str(db)), NAME, at)
    reader = EventLogReader(str(log))
    return status, replay(load(SHIPPED).workflow, "member", reader, unit=reader.unit)


def _report(tracked: tuple[Path, Path], out: Path, capsys: pytest.CaptureFixture[str]) -> dt.datetime:
    db, log = tracked
    at = _meeting()
    args = [
        "report",
        NAME,
        "--db",
        str(db),
        "--log",
        str(log),
        "-o",
        str(out),
        "--at",
        f"{at:%Y-%m-%d %H:%M}",
    ]
    code, said, err = _cli(*args, capsys=capsys)
    assert (code, said, err) == (0, f"wrote {out}\n", "")
    return at


def test_the_html_has_each_section_with_the_tracker_and_replay_figures(
    tracked: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "joc.html"
    at = _report(tracked, out, capsys)
    page = out.read_text()
    text = _text(page)
    status, result = _expected(*tracked, at)
    lines = set(text.splitlines())
    for section in (
        "partnership",
        "gate-readiness",
        "escalations",
        "resilience-score",
        "referrals-against-the-map",
        "charts",
    ):
        assert f'<section id="{section}">' in page
    gate = next(g for g in status.gates if g.phase == "pre-launch")
    assert f"gate pre-launch (launch gate): {gate.title}: {gate.state()}" in lines
    open_criteria = [c for c in gate.criteria if not c.met]
    assert open_criteria
    for criterion in open_criteria:
        assert f"open criterion {criterion.id}: {criterion.title}" in lines
        assert all(f"- {reason}" in lines for reason in criterion.unmet)
    stale = [s for c in gate.criteria for s in c.stale]
    assert any("kwalsh" in s for s in stale)
    assert all(f"stale sign-off: {s}" in lines for s in stale)
    overdue = [e for e in status.escalations if e.overdue is not None]
    assert overdue
    assert f"Escalations ({len(status.escalations)} open, {len(overdue)} overdue)" in lines
    assert all(e.describe_due() in text and f"next: {e.next}" in text for e in overdue)
    score = resilience_score(status.workflow).overall
    assert any(
        line.startswith(f"overall: {score.score}/100 ({score.after_worst} of {score.work}") for line in lines
    )
    cases, events = count(result.cases, "referral"), count(result.events, "event")
    assert f"{cases}, {events}; {result.fitting_cases:,} fit the map (fitness {result.fitness:.1%})" in lines
    for step in result.conversion():
        assert step.rate is not None and step.median_days is not None
        assert any(
            line.startswith(
                f"{step.source} → {step.target}: {step.converted:,} of {step.reached:,} "
                f"({step.rate:.1%}); median {step.median_days:.1f} days"
            )
            for line in lines
        )
    for kind, n in result.deviation_counts().items():
        assert f"deviations {kind}: {n:,}" in lines
    assert page.count("<svg") == 4
    assert "<script" not in page and "src=" not in page and "@import" not in page


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), events=st.integers(50, 2_000))
def test_referrals_per_week_add_up_to_the_cases(
    tracked: tuple[Path, Path], tmp_path: Path, seed: int, events: int
) -> None:
    from lifecycle.report.joc import joc_report

    log = tmp_path / f"referrals-{seed}-{events}.csv"
    generate(events, seed=seed, share=0.3).write_csv(log)
    report = joc_report(Tracker.open(str(tracked[0])), NAME, log=str(log))
    assert report.referrals is not None
    weeks = [week for week, _ in report.referrals.weekly]
    assert sum(n for _, n in report.referrals.weekly) == report.referrals.replay.cases
    assert all(w.weekday() == 0 for w in weeks)
    assert all(b - a == dt.timedelta(weeks=1) for a, b in itertools.pairwise(weeks))


def test_the_pdf_has_the_readiness_pages_then_two_chart_pages(
    tracked: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "joc.pdf"
    _report(tracked, out, capsys)
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    text_pages = reader.pages[:-2]
    assert text_pages
    words = "\n".join(page.extract_text() for page in text_pages)
    assert words.startswith("JOC report: riverside-eastside")
    headings = ["Gate readiness", "Escalations", "Resilience score", "Referrals against the map"]
    assert sorted(headings, key=words.index) == headings
    # Image XObjects are shared among the pages' resources: count those each page draws.
    streams = [page.get_contents() for page in reader.pages]
    drawn = [re.findall(rb"/I\d+ Do", stream.get_data() if stream is not None else b"") for stream in streams]
    assert [len(d) for d in drawn[-2:]] == [2, 2] and not any(drawn[:-2])


def test_without_a_log_the_report_has_no_referral_sections(
    tracked: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "joc.html"
    code, _, _ = _cli("report", NAME, "--db", str(tracked[0]), "-o", str(out), capsys=capsys)
    page = out.read_text()
    assert code == 0 and 'id="gate-readiness"' in page
    assert 'id="referrals-against-the-map"' not in page and "<svg" not in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "nobody"], "unknown partnership 'nobody'"),
        (["report", NAME, "--log", "LOG.bad"], "LOG.bad: line 1: no column 'case'"),
        (["report", NAME, "--log", "LOG.none"], "LOG.none: no such file"),
        (["report", NAME, "--log", "LOG.good", "--journey", "nope"], "no journey 'nope'"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(
    tracked: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    names = {"LOG.bad": str(bad), "LOG.none": str(tmp_path / "none.csv"), "LOG.good": str(tracked[1])}
    message = message.replace("LOG.bad", str(bad)).replace("LOG.none", str(tmp_path / "none.csv"))
    args = [names.get(a, a) for a in args]
    code, _, err = _cli(*args, "--db", str(tracked[0]), "-o", str(tmp_path / "r.html"), capsys=capsys)
    assert code == 1 and message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "r.html").exists()


def test_the_output_must_be_html_or_pdf(
    tracked: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _cli("report", NAME, "--db", str(tracked[0]), "-o", "report.txt", capsys=capsys)
    assert (code, err) == (1, "report.txt: write the report to a .html or .pdf file\n")
