"""Conformance replay: exact deviation counts on generated logs, every deviation
kind on hand-written cases, stage figures, and the CLI's three formats."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifecycle.cli import main
from lifecycle.interchange.conformance import DEFAULT_OPEN_LIMIT, Conformance, DeviationKind, replay
from lifecycle.interchange.event_log import EventLogReader
from lifecycle.loader import load

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate_log import generate  # noqa: E402

SHIPPED = ROOT / "workflows" / "payer-cbo-partnership.yaml"
WORKFLOW = load(SHIPPED).workflow
KINDS = [kind.value for kind in DeviationKind]
HEADER = "case,activity,timestamp,resource\n"


def _replay(
    path: Path,
    *,
    batch_bytes: int = 1 << 20,
    as_of: dt.datetime | None = None,
    open_limit: dt.timedelta = DEFAULT_OPEN_LIMIT,
) -> Conformance:
    reader = EventLogReader(str(path), batch_bytes=batch_bytes)
    return replay(WORKFLOW, "member", reader, unit=reader.unit, as_of=as_of, open_limit=open_limit)


def _cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, err


def test_counts_per_kind_equal_the_injection_on_1000_events(tmp_path: Path) -> None:
    log = generate(1000, seed=7, share=0.5)
    path = tmp_path / "events.csv"
    log.write_csv(path)
    result = _replay(path, as_of=log.as_of)
    assert all(n > 10 for n in log.injected.values())
    assert result.deviation_counts() == log.injected
    assert result.events == len(log.events)
    injected_cases = sum(log.injected.values())
    assert result.fitting_cases == result.cases - injected_cases


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 10_000),
    share=st.floats(0.0, 1.0),
    kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=5, unique=True),
    batch_bytes=st.sampled_from([300, 2_000, 1 << 20]),
)
def test_generated_logs_replay_exactly_in_any_batch_size(
    tmp_path: Path, seed: int, share: float, kinds: list[str], batch_bytes: int
) -> None:
    log = generate(150, seed=seed, share=share, kinds=tuple(kinds))
    path = tmp_path / f"events-{seed}.csv"
    log.write_csv(path)
    result = _replay(path, as_of=log.as_of, batch_bytes=batch_bytes)
    assert result.deviation_counts() == {kind: log.injected.get(kind, 0) for kind in KINDS}


def _walk(events: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """An independent event-by-event walk of the member journey (the definitions
    of docs/conformance.md, written plainly): (case, kind) per event deviation."""
    import networkx as nx

    journey = WORKFLOW.journeys["member"]
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_edge("(start)", journey.start)
    for sid, step in journey.steps.items():
        graph.add_node(sid)
        graph.add_edges_from((sid, target) for target in step.next)
    graph.add_nodes_from(journey.exits)
    where: dict[str, str] = {}
    found = []
    for case, activity, _ in events:
        here = where.get(case, "(start)")
        if activity not in graph:
            found.append((case, "unknown-activity"))
        elif graph.has_edge(here, activity):
            where[case] = activity
        elif activity in nx.descendants(graph, here):
            found.append((case, "skipped-step"))
            where[case] = activity
        else:
            found.append((case, "out-of-order"))
    return found


ACTIVITIES = [*WORKFLOW.journeys["member"].steps, *WORKFLOW.journeys["member"].exits, "fax-sent"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    events=st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(ACTIVITIES)), max_size=60),
    batch_bytes=st.sampled_from([200, 1 << 20]),
)
def test_random_logs_agree_with_a_plain_walk(
    tmp_path: Path, events: list[tuple[str, str]], batch_bytes: int
) -> None:
    rows = [
        (case, activity, f"2025-01-01T00:{i // 60:02d}:{i % 60:02d}Z")
        for i, (case, activity) in enumerate(events)
    ]
    path = tmp_path / "random.csv"
    path.write_text(HEADER + "".join(f"{c},{a},{t},\n" for c, a, t in rows), encoding="utf-8")
    result = _replay(path, batch_bytes=batch_bytes, open_limit=dt.timedelta(days=365))
    got = sorted((d.case, d.kind.value) for d in result.deviations())
    assert got == sorted(_walk(rows))


def _log(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


FIT = [
    "c1,plan-identifies,2025-01-01T09:00:00Z,jlee",
    "c1,cbo-receives,2025-01-02T09:00:00Z,",
    "c1,outreach,2025-01-03T09:00:00Z,",
    "c1,declined,2025-01-04T09:00:00Z,",
]


def test_a_fitting_case_has_no_deviation(tmp_path: Path) -> None:
    result = _replay(_log(tmp_path, FIT))
    assert result.fitness == 1.0 and result.event_fitness == 1.0
    assert result.deviations() == []
    assert result.case_table() == [
        {"case": "c1", "events": 4, "status": "closed", "at": "declined", "fit": True, "deviations": []}
    ]


@pytest.mark.parametrize(
    ("lines", "kind", "where", "detail"),
    [
        (
            ["c1,plan-identifies,2025-01-01T09:00:00Z,", "c1,outreach,2025-01-03T09:00:00Z,"],
            "skipped-step",
            "line 3",
            "skipped cbo-receives (from plan-identifies)",
        ),
        (
            [*FIT[:3], "c1,cbo-receives,2025-01-03T10:00:00Z,"],
            "out-of-order",
            "line 5",
            "cannot follow outreach",
        ),
        (
            [*FIT, "c1,outreach,2025-01-05T10:00:00Z,"],
            "out-of-order",
            "line 6",
            "after the case ended at declined",
        ),
        (
            [*FIT[:2], "c1,outreah,2025-01-02T10:00:00Z,", *FIT[2:]],
            "unknown-activity",
            "line 4",
            "not a step or exit of journey member (did you mean 'outreach'?)",
        ),
        (
            ["c1,plan-identifies,2025-01-01T09:00:00Z,someone-else", *FIT[1:]],
            "wrong-role",
            "line 2",
            "someone-else does not act for plan-care-manager, the owner of plan-identifies",
        ),
    ],
)
def test_each_event_deviation_kind(
    tmp_path: Path, lines: list[str], kind: str, where: str, detail: str
) -> None:
    result = _replay(_log(tmp_path, lines), open_limit=dt.timedelta(days=365))
    [deviation] = result.deviations()
    assert (deviation.kind.value, deviation.where, deviation.detail) == (kind, where, detail)
    assert result.fitness == 0.0


def test_who_may_act_for_a_step_role_holder_or_backup(tmp_path: Path) -> None:
    owner = WORKFLOW.journeys["member"].steps["plan-identifies"].owner
    role = WORKFLOW.roles[owner]
    allowed = [owner, *role.held_by]
    if role.backup:
        allowed += [role.backup, *WORKFLOW.roles[role.backup].held_by]
    lines = [f"c{i},plan-identifies,2025-01-01T09:00:00Z,{who}" for i, who in enumerate(allowed)]
    result = _replay(_log(tmp_path, lines), open_limit=dt.timedelta(days=365))
    assert result.deviation_counts()["wrong-role"] == 0


def test_open_too_long_is_judged_at_the_as_of_time(tmp_path: Path) -> None:
    path = _log(tmp_path, FIT[:3])  # first event 2025-01-01, never closed
    assert _replay(path).deviation_counts()["open-too-long"] == 0  # as of the last event: 2 days
    late = _replay(path, as_of=dt.datetime(2025, 3, 1))
    assert late.deviation_counts()["open-too-long"] == 1
    [deviation] = late.deviations()
    assert deviation.detail == "open 58.6 days after its first event (limit 30 days), last at outreach"
    assert _replay(path, as_of=dt.datetime(2025, 3, 1), open_limit=dt.timedelta(days=90)).fitness == 1.0


def test_stage_conversion_times_and_stalls(tmp_path: Path) -> None:
    lines = [
        "a,plan-identifies,2025-01-01T00:00:00Z,",
        "a,cbo-receives,2025-01-01T12:00:00Z,",
        "a,outreach,2025-01-02T00:00:00Z,",  # identification -> engagement: 1 day
        "a,intake,2025-01-04T00:00:00Z,",  # engagement -> enrollment: 2 days
        "b,plan-identifies,2025-01-01T00:00:00Z,",
        "b,cbo-receives,2025-01-01T01:00:00Z,",
        "b,outreach,2025-01-04T00:00:00Z,",  # 3 days
        "c,plan-identifies,2025-01-03T00:00:00Z,",
    ]
    result = _replay(_log(tmp_path, lines))
    assert result.reached() == {
        "identification": 3,
        "engagement": 2,
        "enrollment": 1,
        "service-provision": 0,
        "service-completion": 0,
    }
    first, second, third, _ = result.conversion()
    assert (first.reached, first.converted, first.median_days) == (3, 2, 2.0)
    assert first.p90_days == pytest.approx(2.8)
    assert (second.reached, second.converted, second.median_days) == (2, 1, 2.0)
    assert (third.reached, third.converted, third.median_days, third.rate) == (1, 0, None, 0.0)
    stalls = {(s.activity, s.cases, s.median_idle_days) for s in result.stalls()}
    assert stalls == {("intake", 1, 0.0), ("outreach", 1, 0.0), ("plan-identifies", 1, 1.0)}


def test_timestamps_without_offsets_or_mixed_are_utc(tmp_path: Path) -> None:
    zoned = _replay(_log(tmp_path, FIT))
    naive = [line.replace("T09:00:00Z", " 09:00:00") for line in FIT]
    mixed = [FIT[0], naive[1], FIT[2].replace("T09:00:00Z", "T11:00:00+02:00"), naive[3]]
    for lines in (naive, mixed):
        other = _replay(_log(tmp_path, lines))
        assert other.case_table() == zoned.case_table()
        assert other.conversion() == zoned.conversion()


# -- malformed rows, row by row ---------------------------------------------

BAD = [
    "c1,plan-identifies,2025-01-01T09:00:00Z,",  # line 2
    ",cbo-receives,2025-01-02T09:00:00Z,",  # line 3: no case id
    "c1,,2025-01-02T09:00:00Z,",  # line 4: no activity
    "c1,cbo-receives,,",  # line 5: no timestamp
    "c1,cbo-receives,2025-02-30T09:00:00Z,",  # line 6: no such day
    "c1,cbo-receives,yesterday,",  # line 7
    "c1,cbo-receives,2025-01-02T09:00:00Z,,extra",  # line 8: 5 fields
    "",  # line 9: blank, not an error
    "c1,cbo-receives",  # line 10: 2 fields
    "c1,cbo-receives,2025-01-02T09:00:00Z,",  # line 11
]
BAD_ROWS = [
    "line 3: missing case id",
    "line 4: missing activity",
    "line 5: missing timestamp",
    "line 6: bad timestamp '2025-02-30T09:00:00Z' (use ISO 8601)",
    "line 7: bad timestamp 'yesterday' (use ISO 8601)",
    "line 8: has 5 fields, the header has 4",
    "line 10: has 2 fields, the header has 4",
]


@pytest.mark.parametrize("batch_bytes", [100, 1 << 20])
def test_malformed_rows_are_reported_by_line_and_skipped(tmp_path: Path, batch_bytes: int) -> None:
    reader = EventLogReader(str(_log(tmp_path, BAD)), batch_bytes=batch_bytes)
    result = replay(WORKFLOW, "member", reader)
    assert [str(row) for row in reader.bad_rows] == BAD_ROWS
    assert reader.bad_row_count == len(BAD_ROWS)
    assert result.events == 2 and result.deviations() == []


@pytest.mark.parametrize("drop", range(len(BAD_ROWS)))
def test_fail_refuses_the_log_at_its_first_malformed_row(
    tmp_path: Path, drop: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each malformed row, first in the file once the ones before it are gone."""
    bad_lines = [2 + i for i, line in enumerate(BAD) if 1 <= i <= 8 and line]
    keep = [line for i, line in enumerate(BAD) if 2 + i not in bad_lines[:drop]]
    path = _log(tmp_path, keep)
    code, out, err = _cli(
        "conformance",
        str(SHIPPED),
        "--journey",
        "member",
        "--log",
        str(path),
        "--on-bad-row",
        "fail",
        capsys=capsys,
    )
    where, message = BAD_ROWS[drop].split(": ", 1)
    # The line it is on now: each malformed row dropped before it took one line away.
    line = int(where.removeprefix("line ")) - drop
    assert code == 1 and out == ""
    assert err.startswith(f"{path}: line {line}: {message}")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_missing_column_is_refused_with_the_header_and_a_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _log(tmp_path, FIT)
    code, _, err = _cli(
        "conformance",
        str(SHIPPED),
        "--journey",
        "member",
        "--log",
        str(path),
        "--case-column",
        "case_id",
        capsys=capsys,
    )
    assert code == 1
    assert err == (
        f"{path}: line 1: no column 'case_id'; the header has 'case', 'activity', 'timestamp', 'resource' "
        "(did you mean 'case'?)\n"
    )


def test_columns_are_mappable(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Referral ID,Status,When,By\n" + "\n".join(FIT).replace("jlee", "someone-else") + "\n",
        encoding="utf-8",
    )
    from lifecycle.interchange.event_log import LogColumns

    reader = EventLogReader(str(path), LogColumns("Referral ID", "Status", "When", "By"))
    result = replay(WORKFLOW, "member", reader)
    assert result.deviation_counts()["wrong-role"] == 1


@pytest.mark.parametrize("suffix", [".csv.gz", ".csv.bz2", ".xes.gz"])
def test_compressed_logs_read_like_plain_ones(tmp_path: Path, suffix: str) -> None:
    import bz2
    import gzip

    plain = _log(tmp_path, [*FIT[:2], "c1,outreah,2025-01-02T10:00:00Z,", *FIT[2:]])
    text = plain.read_bytes() if suffix.startswith(".csv") else XES.encode("utf-8")
    packed = tmp_path / f"events{suffix}"
    packed.write_bytes(gzip.compress(text) if suffix.endswith(".gz") else bz2.compress(text))
    reader = EventLogReader(str(packed))
    result = replay(WORKFLOW, "member", reader, unit=reader.unit)
    want = (
        [("c1", "unknown-activity", "line 4")]
        if suffix.startswith(".csv")
        else [("c1", "skipped-step", "event 3")]
    )
    assert [(d.case, d.kind.value, d.where) for d in result.deviations()] == want
    assert reader.bytes_read == packed.stat().st_size


def test_a_damaged_compressed_log_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import gzip

    packed = tmp_path / "events.csv.gz"
    rows = (f"c{i * 7919 % 100_003},plan-identifies,2025-01-01T09:00:00Z," for i in range(5000))
    whole = gzip.compress((HEADER + "\n".join(rows)).encode())
    packed.write_bytes(whole[: len(whole) // 2])  # cut off mid-stream
    args = ("conformance", str(SHIPPED), "--journey", "member", "--log", str(packed))
    code, _, err = _cli(*args, capsys=capsys)
    assert code == 1 and err.startswith(f"{packed}: ") and err.count("\n") == 1 and "Traceback" not in err


# -- XES in ---------------------------------------------------------------------

XES = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xmlns="http://www.xes-standard.org/">
  <trace>
    <string key="concept:name" value="c1"/>
    <event><string key="concept:name" value="plan-identifies"/>
      <date key="time:timestamp" value="2025-01-01T09:00:00.000+00:00"/>
      <string key="lifecycle:transition" value="start"/></event>
    <event><string key="concept:name" value="plan-identifies"/>
      <date key="time:timestamp" value="2025-01-01T09:30:00.000+00:00"/>
      <string key="org:resource" value="jlee"/></event>
    <event><string key="concept:name" value="outreach"/>
      <date key="time:timestamp" value="2025-01-02T09:00:00.000+00:00"/></event>
  </trace>
  <trace>
    <event><string key="concept:name" value="plan-identifies"/>
      <date key="time:timestamp" value="2025-01-01T09:00:00.000+00:00"/></event>
    <string key="concept:name" value="c2"/>
    <event><string key="concept:name" value="cbo-receives"/>
      <date key="time:timestamp" value="not a date"/></event>
  </trace>
</log>
"""


def test_xes_logs_replay_complete_events_with_event_numbers(tmp_path: Path) -> None:
    path = tmp_path / "events.xes"
    path.write_text(XES, encoding="utf-8")
    reader = EventLogReader(str(path))
    result = replay(WORKFLOW, "member", reader, unit=reader.unit)
    assert [str(row) for row in reader.bad_rows] == ["event 5: bad timestamp 'not a date' (use ISO 8601)"]
    found = [(d.case, d.kind.value, d.where) for d in result.deviations()]
    assert found == [("c1", "skipped-step", "event 3")]
    assert {row["case"]: row["events"] for row in result.case_table()} == {"c1": 2, "c2": 1}


def test_a_broken_xes_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "events.xes"
    path.write_text(XES[:300], encoding="utf-8")
    code, _, err = _cli("conformance", str(SHIPPED), "--journey", "member", "--log", str(path), capsys=capsys)
    assert code == 1 and err.startswith(f"{path}: not well-formed XES") and err.count("\n") == 1


# -- the command ------------------------------------------------------------


def test_json_has_cases_fitness_and_deviations_by_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = generate(300, seed=3, share=0.5)
    path = tmp_path / "events.csv"
    log.write_csv(path)
    code, out, _ = _cli(
        "conformance",
        str(SHIPPED),
        "--journey",
        "member",
        "--log",
        str(path),
        "--format",
        "json",
        "--as-of",
        log.as_of.strftime("%Y-%m-%d %H:%M:%S"),
        capsys=capsys,
    )
    report = json.loads(out)
    assert code == 0
    assert report["deviations"] == log.injected
    assert len(report["cases"]) == report["case_count"]
    assert report["fitness"] == sum(case["fit"] for case in report["cases"]) / report["case_count"]
    assert sum(len(case["deviations"]) for case in report["cases"]) == sum(log.injected.values())
    assert [step["from"] for step in report["conversion"]] == [
        "identification",
        "engagement",
        "enrollment",
        "service-provision",
    ]


def test_text_and_html_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _log(tmp_path, [*FIT, "c2,plan-identifies,2025-01-01T09:00:00Z,<b>x</b>"])
    code, out, _ = _cli("conformance", str(SHIPPED), "--journey", "member", "--log", str(path), capsys=capsys)
    assert code == 0
    assert out.startswith("journey member: 2 cases, 5 events: 1 fit the journey (fitness 0.500)\n")
    assert "  c2 (1 event, open at plan-identifies):\n    line 6: wrong-role plan-identifies:" in out
    page = tmp_path / "report.html"
    code, out, _ = _cli(
        "conformance",
        str(SHIPPED),
        "--journey",
        "member",
        "--log",
        str(path),
        "--format",
        "html",
        "-o",
        str(page),
        capsys=capsys,
    )
    html = page.read_text(encoding="utf-8")
    assert code == 0 and out == f"wrote {page}\n"
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x" not in html
    assert "<h2>Deviations by case</h2>" in html


def test_an_unknown_journey_names_the_file_and_the_journeys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _cli(
        "conformance", str(SHIPPED), "--journey", "members", "--log", str(_log(tmp_path, FIT)), capsys=capsys
    )
    assert code == 1
    assert err == (
        f"{SHIPPED}: no journey 'members' in workflow 'payer-cbo-partnership' (journeys: member); "
        "did you mean 'member'?\n"
    )
