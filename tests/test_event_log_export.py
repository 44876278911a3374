"""``lifecycle log --format events|xes``: tracked histories as event logs, read
back by an independent XES reader (rustxes), and replayed with fitness 1.0."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest
import rustxes  # type: ignore[import-untyped]
from event_rows import Row, read_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifecycle.cli import main
from lifecycle.interchange.conformance import replay
from lifecycle.interchange.event_log import EventLogReader
from lifecycle.interchange.history import LogEvent, history_events, write_xes
from lifecycle.loader import load
from lifecycle.safe_output import OutputError
from lifecycle.tracking import Tracker

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "workflows" / "payer-cbo-partnership.yaml"
WORKFLOW = load(SHIPPED).workflow
JOURNEY = WORKFLOW.journeys["member"]
# An implementation task that produces an artifact and waits only on earlier phases.
TASK = next(
    (tid, task)
    for tid, task in WORKFLOW.phases["implementation"].tasks.items()
    if task.produces and not set(task.after) & set(WORKFLOW.phases["implementation"].tasks)
)


def _actor(step: str, fallback: str) -> str:
    """A person entitled to record ``step``: a holder of its owner role or of a backup."""
    if step not in JOURNEY.steps:
        return fallback
    role: str | None = JOURNEY.steps[step].owner
    while role is not None:
        if WORKFLOW.roles[role].held_by:
            return WORKFLOW.roles[role].held_by[0]
        role = WORKFLOW.roles[role].backup
    raise AssertionError(f"nobody can act for {step}")


@pytest.fixture
def tracked(tmp_path: Path) -> tuple[str, Tracker]:
    """A partnership with 12 members through the journey, a few tasks done."""
    db = str(tmp_path / "track.db")
    tracker = Tracker.open(db, create=True)
    # Started after launch, so members may be referred (they may not before the launch gate).
    tracker.start_partnership(
        "acme", str(SHIPPED), dt.date(2026, 1, 1), dt.date(2027, 1, 1), actor="jlee", phase="implementation"
    )
    rng = random.Random(5)
    for number in range(12):
        member = f"REF-{number:04d}"
        step = JOURNEY.start
        tracker.start_journey("acme", "member", member, actor=_actor(step, ""))
        while step in JOURNEY.steps and rng.random() < 0.9:
            target = rng.choice(JOURNEY.steps[step].next)
            tracker.move_journey("acme", "member", member, target, actor=_actor(target, _actor(step, "")))
            step = target
    task_id, task = TASK
    owner = WORKFLOW.roles[task.owner[0]]
    tracker.change_tasks("acme", [task_id], "start", actor=owner.held_by[0])
    tracker.change_tasks("acme", [task_id], "done", actor=owner.held_by[0], evidence="shared drive: list.csv")
    return db, tracker


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    out, err = capsys.readouterr()
    assert stopped.value.code == 0, err
    return out


def test_xes_reads_back_in_rustxes_with_the_same_cases_and_events(
    tracked: tuple[str, Tracker], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, tracker = tracked
    path = tmp_path / "acme.xes"
    path.write_text(_cli(capsys, "log", "acme", "--db", db, "--format", "xes"), encoding="utf-8")
    frame, attributes = rustxes.import_xes(str(path))
    expected = history_events("acme", tracker.audit("acme"))
    assert len(expected) > 30
    # rustxes gives naive UTC datetimes; XES carries milliseconds.
    got = sorted(
        (
            row["case:concept:name"],
            row["concept:name"],
            row["org:resource"],
            row["lifecycle:transition"],
            row["time:timestamp"].replace(tzinfo=dt.UTC),
        )
        for row in frame.to_dicts()
    )
    want = sorted(
        (
            e.case,
            e.activity,
            e.resource,
            e.transition,
            e.timestamp.replace(microsecond=e.timestamp.microsecond // 1000 * 1000),
        )
        for e in expected
    )
    assert got == want
    cases = {e.case for e in expected}
    assert "acme" in cases and sum(case.startswith("member/") for case in cases) == 12
    [name] = json.loads(attributes)["log_attributes"]
    assert (name["key"], name["value"]["content"]) == ("concept:name", "acme")


@pytest.mark.parametrize("fmt", ["events", "xes"])
def test_export_then_replay_of_tracked_journeys_fits(
    tracked: tuple[str, Tracker], tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    db, _ = tracked
    path = tmp_path / ("journeys.csv" if fmt == "events" else "journeys.xes")
    text = _cli(capsys, "log", "acme", "--db", db, "--action", "journey", "--format", fmt)
    path.write_text(text, encoding="utf-8")
    reader = EventLogReader(str(path))
    result = replay(WORKFLOW, "member", reader, unit=reader.unit, open_limit=dt.timedelta(days=3650))
    assert reader.bad_rows == []
    assert result.cases == 12
    assert result.deviation_counts() == dict.fromkeys(result.deviation_counts(), 0)
    assert result.fitness == 1.0 and result.event_fitness == 1.0


def test_the_csv_event_log_has_the_replay_columns(
    tracked: tuple[str, Tracker], capsys: pytest.CaptureFixture[str]
) -> None:
    db, tracker = tracked
    lines = _cli(capsys, "log", "acme", "--db", db, "--format", "events").splitlines()
    assert lines[0] == "case,activity,timestamp,resource,transition"
    assert len(lines) - 1 == len(history_events("acme", tracker.audit("acme")))
    task_rows = [line.split(",") for line in lines[1:] if line.startswith("acme,")]
    # Tracking began at implementation: every earlier task was skipped, then one was
    # done with the evidence of the artifact it produces.
    earlier = sum(len(WORKFLOW.phases[p].tasks) for p in list(WORKFLOW.phases)[:4])
    assert [row[4] for row in task_rows] == ["manualskip"] * earlier + ["start", "complete", "complete"]
    assert [row[1] for row in task_rows[-3:]] == [TASK[0], TASK[0], f"evidence:{TASK[1].produces[0]}"]


# Any text a str can hold in UTF-8: control characters too (tab, line feed, NUL, DEL, C1).
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
_NOT_XML = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\ufffe", "\uffff"]
# Any text XML 1.0 can carry: tab, line feed, carriage return, DEL and C1 controls among the rest.
XML_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=_NOT_XML),
    min_size=1,
    max_size=12,
)


def _events(text: st.SearchStrategy[str]) -> st.SearchStrategy[list[LogEvent]]:
    """Lists of complete events with ``text`` for case, activity and resource,
    stamped to the millisecond (all XES keeps)."""
    moments = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1))
    event = st.builds(
        lambda case, activity, at, who: LogEvent(
            case,
            activity,
            at.replace(microsecond=at.microsecond // 1000 * 1000, tzinfo=dt.UTC),
            who,
            "complete",
        ),
        text,
        text,
        moments,
        text,
    )
    return st.lists(event, min_size=1, max_size=20)


def _read_back_both_ways(path: Path) -> tuple[list[Row], ...]:
    """The (case, activity, resource, timestamp) of each event of an XES file, as
    rustxes reads them and as lifecycle's own reader does, each sorted."""
    frame, _ = rustxes.import_xes(str(path))
    theirs = sorted(
        (
            row["case:concept:name"],
            row["concept:name"],
            row["org:resource"],
            row["time:timestamp"].replace(tzinfo=dt.UTC),
        )
        for row in frame.to_dicts()
    )
    return theirs, read_rows(path)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(logged=_events(TEXT))
def test_any_text_survives_xes_both_ways_or_is_refused_unwritten(
    tmp_path: Path, logged: list[LogEvent]
) -> None:
    """Any case, activity and resource text, written by write_xes, reads back the
    same in rustxes and in lifecycle's own reader; text XML 1.0 cannot carry (most
    C0 controls, U+FFFE, U+FFFF) is refused in one line naming the character, and
    nothing is written."""
    path = tmp_path / "any.xes"
    texts = [text for e in logged for text in (e.case, e.activity, e.resource)]
    bad = [c for c in "".join(texts) if c in _NOT_XML]
    with path.open("w", encoding="utf-8") as out:
        if not bad:
            write_xes(logged, out, name="any")
        else:
            with pytest.raises(OutputError) as refused:
                write_xes(logged, out, name="any")
    want = sorted((e.case, e.activity, e.resource, e.timestamp) for e in logged)
    if not bad:
        assert _read_back_both_ways(path) == (want, want)
        return
    assert path.read_text(encoding="utf-8") == ""
    message = str(refused.value)
    assert "\n" not in message and "XML 1.0" in message
    assert chr(int(message.partition(" holds U+")[2][:4], 16)) in bad


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(logged=_events(XML_TEXT))
def test_any_text_xml_can_carry_survives_xes_both_ways_exactly(
    tmp_path: Path, logged: list[LogEvent]
) -> None:
    """Tab, line feed, carriage return, DEL and C1 controls too: written as XML 1.0
    can carry them, and read back the same by rustxes and by lifecycle."""
    path = tmp_path / "any.xes"
    with path.open("w", encoding="utf-8") as out:
        write_xes(logged, out, name="any")
    want = sorted((e.case, e.activity, e.resource, e.timestamp) for e in logged)
    assert _read_back_both_ways(path) == (want, want)
