"""Deadlines: every form a facilitator may write parses, prints back the same,
and orders consistently."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecycle.model import Due, Milestone, parse_due

ANCHORS = [m.value for m in Milestone] + [f"end of year {n}" for n in (1, 2, 5)]

offsets = st.builds(
    lambda n, unit, relation, anchor: f"{n} {unit}{'' if n == 1 else 's'} {relation} {anchor}",
    st.integers(1, 999),
    st.sampled_from(["day", "week", "month"]),
    st.sampled_from(["before", "after"]),
    st.sampled_from(ANCHORS),
)
dates = st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)).map(dt.date.isoformat)
deadlines = st.one_of(offsets, dates, st.sampled_from(ANCHORS).map(lambda a: f"at {a}"))


@given(deadlines)
def test_a_deadline_prints_back_as_written(text: str) -> None:
    assert str(parse_due(text)) == text


@given(deadlines, deadlines)
def test_surely_before_is_never_both_ways(one: str, other: str) -> None:
    a, b = parse_due(one), parse_due(other)
    assert not (a.surely_before(b) and b.surely_before(a))
    assert not a.surely_before(a)


def test_milestones_happen_in_order() -> None:
    # An earlier milestone with a smaller offset is surely earlier; a larger offset may not be.
    assert parse_due("10 days after partner identified").surely_before(
        parse_due("20 days after contract signed")
    )
    assert not parse_due("10 days after partner identified").surely_before(parse_due("at contract signed"))
    assert not parse_due("at launch").surely_before(parse_due("at end of year 1"))
    assert parse_due("at end of year 1").surely_before(parse_due("1 day after end of year 1"))


def test_a_date_is_resolved_from_its_milestone() -> None:
    start = dt.date(2026, 1, 1)
    due = parse_due("at end of year 1")
    assert due.date_from({Milestone.CONTRACT_START: start}) == dt.date(2027, 1, 1)
    assert parse_due("30 days after launch").date_from({Milestone.CONTRACT_START: start}) is None
    assert parse_due("2026-09-01").date_from({}) == dt.date(2026, 9, 1)


@pytest.mark.parametrize("text", ["soon", "30 days after lunch", "end of year 0", "2026-13-45", "at"])
def test_what_is_not_a_deadline_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a deadline"):
        parse_due(text)


def test_due_is_a_value_object() -> None:
    assert parse_due("120 days before contract end") == Due(
        amount=120, unit="day", relation="before", anchor=Milestone.CONTRACT_END
    )


def test_status_says_which_deadlines_wait_for_launch_and_which_cannot_be_dated(tmp_path) -> None:
    from pathlib import Path

    from lifecycle.tracking import Tracker
    from lifecycle.tracking.status import Deadline, partnership_status

    shipped = Path(__file__).resolve().parent.parent / "workflows" / "payer-cbo-partnership.yaml"
    with Tracker.open(str(tmp_path / "t.db"), create=True) as tracker:
        tracker.start_partnership(
            "riverside", str(shipped), dt.date(2026, 1, 1), dt.date(2026, 12, 31), actor="jlee"
        )
        status = partnership_status(tracker, "riverside", dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    today = dt.date(2026, 3, 1)
    told = {d.task: (d.due, d.describe(today)) for d in status.deadlines}
    # The tracker records no date for these milestones: the line says so, not "once launched".
    assert told["initiate-security-conversation"] == (
        "30 days after partner identified",
        "no date ('partner identified' is not recorded)",
    )
    assert told["renew-contract"] == ("30 days before contract end", "in 275 days")
    # Launch is dated once the launch gate is passed: until then the deadline waits for it.
    waiting = Deadline("train", "30 days after launch", None, "todo", Milestone.LAUNCH)
    assert waiting.describe(today) == "once launched"
