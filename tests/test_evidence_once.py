"""Evidence is recorded once: the evidence row holds the text, the audit entry a
reference the hash chain seals, so a changed or deleted evidence row breaks the
trail; people still read the text in the log. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from backends import NewDatabase
from cli_run import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tracked import started, world

from lifecycle.tracking import Tracker
from lifecycle.tracking.integrity import verify_trail

TEXT = "IT plan v1, shared drive /pre-launch/it-plan.pdf"


def _recorded(new_db: NewDatabase, tmp_path: Path) -> tuple[str, Tracker]:
    url = new_db(migrated=True)
    tracker = started(url, world(tmp_path), phase="pre-launch")
    tracker.change_tasks("acme", ["it-onboarding"], "start", actor="hit")
    tracker.change_tasks("acme", ["it-onboarding"], "done", actor="hit", evidence=TEXT)
    tracker.record_evidence("acme", "it-plan", "IT plan v2", actor="hit")
    return url, tracker


def _sql(tracker: Tracker, statement: str) -> None:
    with tracker.store.engine.begin() as connection:
        connection.exec_driver_sql(statement)


def test_the_audit_entry_holds_a_reference_not_a_copy(new_db, tmp_path):
    _url, tracker = _recorded(new_db, tmp_path)
    details = [e.detail or "" for e in tracker.audit("acme", action="artifact.evidence")]
    assert len(details) == 2
    assert all(TEXT not in d and "IT plan v2" not in d for d in details)
    assert all(" sha256:" in d and "evidence #" in d for d in details)
    assert details[1].startswith("as hosp-it; evidence #")
    assert verify_trail(tracker, "acme").intact
    report = tracker.check_gate("acme", "pre-launch")
    assert f"it-plan: {TEXT}" in report.criteria[0].evidence
    tracker.close()


def test_the_log_shows_the_evidence_text(new_db, tmp_path):
    url, tracker = _recorded(new_db, tmp_path)
    tracker.close()
    shown = run_cli("log", "acme", "--action", "artifact", "--db", url)
    assert shown.returncode == 0
    lines = shown.stdout.splitlines()
    assert len(lines) == 2 and "sha256" not in shown.stdout
    assert lines[0].endswith(f"(evidence #1: {TEXT})")
    assert lines[1].endswith("(as hosp-it; evidence #2: IT plan v2)")
    csv_text = run_cli("log", "acme", "--format", "csv", "--db", url).stdout
    assert f"evidence #1: {TEXT}" in csv_text


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(forged=st.text(min_size=1, max_size=40).filter(lambda t: t != TEXT and "\x00" not in t))
def test_a_changed_evidence_text_breaks_the_trail(new_db, tmp_path, forged):
    url, tracker = _recorded(new_db, tmp_path)
    with tracker.store.engine.begin() as connection:
        connection.execute(sa.text("UPDATE evidence SET evidence = :text WHERE id = 1"), {"text": forged})
    problem = verify_trail(tracker, "acme").chains["acme"].problem
    assert problem is not None and problem.startswith("evidence #1 of entry ")
    assert problem.endswith("was changed after it was recorded")
    verified = run_cli("audit", "verify", "acme", "--db", url)
    assert verified.returncode == 1 and "BROKEN: evidence #1" in verified.stderr
    tracker.close()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE evidence SET artifact_id = 'contract' WHERE id = 2", "DELETE FROM evidence WHERE id = 2"],
)
def test_a_moved_or_deleted_evidence_row_breaks_the_trail(new_db, tmp_path, statement):
    _url, tracker = _recorded(new_db, tmp_path)
    _sql(tracker, statement)
    problem = verify_trail(tracker, "acme").chains["acme"].problem
    verb = "deleted" if statement.startswith("DELETE") else "changed after it was recorded"
    assert problem is not None and problem.startswith("evidence #2 of entry ") and problem.endswith(verb)
    tracker.close()
