"""Each escalation level has its response time: status and the escalation list
show what is overdue and who is next; on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from backends import NewDatabase as NewDb
from tracked import lifecycle, started, world

from lifecycle.tracking.escalation_lines import due_at


def test_each_level_is_due_within_its_response_time(new_db: NewDb, tmp_path: Path) -> None:
    tracker = started(new_db(migrated=True), world(tmp_path))
    response = dt.timedelta(days=2)  # the barrier path's response_time
    before = _now()
    number, _ = tracker.open_escalation("acme", "barrier", "TICKET-7", actor="intake")
    after = _now()
    [opened] = tracker.escalation_lines("acme")
    assert (opened.level, opened.with_, opened.people) == (1, "cbo-intake", ["intake"])
    assert (opened.next, opened.next_people, opened.overdue) == ("cbo-pm", ["mgo"], None)
    assert opened.due is not None
    assert before + response <= opened.due <= after + response
    later = opened.due + dt.timedelta(days=1, hours=3)
    [late] = tracker.escalation_lines("acme", later)
    assert late.describe_due() == "overdue by 1 day 3 h"
    assert late.describe_next() == "cbo-pm (mgo)"
    # Moving it up starts the next level's clock.
    before = _now()
    tracker.move_escalation("acme", number, "escalate", actor="intake")
    after = _now()
    [up] = tracker.escalation_lines("acme")
    assert (up.level, up.with_, up.next, up.overdue) == (2, "cbo-pm", "plan-poc", None)
    assert up.due is not None
    assert before + response <= up.due <= after + response
    tracker.move_escalation("acme", number, "escalate", actor="mgo")
    [top] = tracker.escalation_lines("acme")
    assert top.describe_next() == "top level"
    tracker.move_escalation("acme", number, "resolve", actor="jlee")
    [done] = tracker.escalation_lines("acme", later + dt.timedelta(days=30))
    assert (done.level, done.overdue, done.describe_due()) == (None, None, "-")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def test_business_days_skip_the_weekend() -> None:
    friday = dt.datetime(2026, 3, 6, 9, 0, tzinfo=dt.UTC)
    assert due_at(friday, "2 business days") == dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
    assert due_at(friday, "1 week") == dt.datetime(2026, 3, 13, 9, 0, tzinfo=dt.UTC)


def test_status_and_list_show_the_overdue_level_and_who_is_next(new_db: NewDb, tmp_path: Path) -> None:
    url = new_db(migrated=True)
    tracker = started(url, world(tmp_path))
    tracker.open_escalation("acme", "barrier", "TICKET-7", actor="intake")
    [line] = tracker.escalation_lines("acme")
    assert line.due is not None
    at = (line.due + dt.timedelta(hours=5)).strftime("%Y-%m-%d %H:%M")
    listed = lifecycle("escalate", "list", "acme", "--at", at, "--db", url)
    assert listed.returncode == 0, listed.stderr
    assert "overdue by 4 h" in listed.stdout or "overdue by 5 h" in listed.stdout
    assert "cbo-intake (intake)" in listed.stdout
    assert "cbo-pm (mgo)" in listed.stdout
    status = lifecycle("status", "acme", "--at", at, "--db", url)
    assert status.returncode == 0, status.stderr
    assert "Open escalations" in status.stdout
    assert "overdue by" in status.stdout and "cbo-pm (mgo)" in status.stdout
    now = lifecycle("status", "acme", "--db", url)
    assert "overdue by" not in now.stdout
    assert f"due {line.due:%Y-%m-%d %H:%M}" in now.stdout
