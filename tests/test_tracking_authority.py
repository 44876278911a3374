"""Who may act: only the roles the workflow gives a power (or their backups),
a facilitator for anyone with a reason, every refusal logged; on SQLite and on
PostgreSQL. (Issue "Why": anyone could finish any task or move any member; the
tracker refused a backup's sign-off that the checks counted.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from backends import NewDatabase as NewDb
from tracked import END, START, launched, lifecycle, started, world

from lifecycle.loader import load
from lifecycle.resilience import whatif
from lifecycle.tracking import SignoffRefused, UnknownName
from lifecycle.tracking.authorize import ActionRefused


def test_only_a_tasks_roles_may_change_it_and_refusals_are_logged(new_db: NewDb, tmp_path: Path) -> None:
    tracker = started(new_db(migrated=True), world(tmp_path), phase="pre-launch")
    with pytest.raises(ActionRefused) as refused:
        tracker.change_tasks("acme", ["it-onboarding"], "start", actor="intake")
    assert str(refused.value) == (
        "intake may not start task 'it-onboarding': they hold or back up none of hosp-it"
    )
    assert tracker.progress("acme")[1].tasks["it-onboarding"] == "todo"
    # The responsible role may, as well as the owner.
    assert tracker.change_tasks("acme", ["train-intake"], "start", actor="intake")[0].after == "in-progress"
    entries = tracker.audit("acme", subject="it-onboarding", action="task.start")
    assert [(e.actor, e.outcome) for e in entries] == [("intake", "refused")]
    assert "hold or back up none of hosp-it" in (entries[0].detail or "")
    done = tracker.audit("acme", subject="train-intake")[-1]
    assert (done.outcome, done.detail) == ("ok", "as cbo-intake")


def test_a_backup_acts_and_is_recorded_as_backup(new_db: NewDb, tmp_path: Path) -> None:
    tracker = started(new_db(migrated=True), world(tmp_path))
    tracker.change_tasks("acme", ["write-scope"], "start", actor="mbell")
    assert tracker.audit("acme", actor="mbell")[-1].detail == "as backup for plan-poc"
    tracker.change_tasks("acme", ["write-scope"], "done", actor="mbell")
    tracker.change_tasks("acme", ["sign-contract"], "start", actor="jlee")
    tracker.change_tasks("acme", ["sign-contract"], "done", actor="jlee", evidence="contract.pdf")
    # The backup's sign-off counts, as the checks (GATE002, what-if) count it.
    assert [s.how for s in tracker.sign_off("acme", "scoping", actor="mbell", evidence="countersigned")] == [
        "as backup for plan-poc"
    ]
    report = tracker.check_gate("acme")
    assert report.met
    assert "signed by mbell as backup for plan-poc: countersigned" in report.criteria[0].evidence
    assert tracker.audit("acme", action="gate.signoff")[-1].detail == "as backup for plan-poc: countersigned"


def test_whatif_and_the_tracker_agree_when_the_only_sponsor_leaves(new_db: NewDb, tmp_path: Path) -> None:
    path = world(tmp_path)
    # Without jlee, the sign-off role plan-poc is carried by its backup alone:
    # what-if reports no new unheld sign-off role, and the tracker accepts the backup.
    report = whatif(load(path), ["person:jlee"])
    assert not [d for d in report.new if d.code == "GATE002"]
    tracker = started(new_db(migrated=True), path)
    assert [s.role for s in tracker.sign_off("acme", "scoping", actor="mbell", evidence="ok")] == ["plan-poc"]
    with pytest.raises(SignoffRefused):
        tracker.sign_off("acme", "scoping", actor="mgo", evidence="ok")


def test_only_a_steps_owner_moves_a_member(new_db: NewDb, tmp_path: Path) -> None:
    tracker = launched(new_db(migrated=True), world(tmp_path))
    tracker.start_journey("acme", "member", "REF-1", actor="jlee")
    with pytest.raises(ActionRefused, match="hit may not move member REF-1 from 'identify'"):
        tracker.move_journey("acme", "member", "REF-1", "intake", actor="hit")
    # The owner of the step the member arrives at takes up the handoff.
    assert tracker.move_journey("acme", "member", "REF-1", "intake", actor="intake").after == "intake"
    with pytest.raises(ActionRefused, match="jlee may not move member REF-1 from 'intake'"):
        tracker.move_journey("acme", "member", "REF-1", "serve", actor="jlee")
    with pytest.raises(ActionRefused, match="mgo may not refer a member"):
        tracker.start_journey("acme", "member", "REF-2", actor="mgo")
    refusals = [e for e in tracker.audit("acme", action="journey") if e.outcome == "refused"]
    assert [e.actor for e in refusals] == ["hit", "jlee", "mgo"]


def test_a_facilitator_acts_for_anyone_only_with_a_reason(new_db: NewDb, tmp_path: Path) -> None:
    tracker = started(new_db(migrated=True), world(tmp_path), phase="pre-launch")
    with pytest.raises(
        ActionRefused, match=r"fac may start task .it-onboarding. only for someone else.*--reason"
    ):
        tracker.change_tasks("acme", ["it-onboarding"], "start", actor="fac")
    tracker.change_tasks(
        "acme", ["it-onboarding"], "start", actor="fac", reason="Hal is on leave; he asked by email"
    )
    entry = tracker.audit("acme", action="task.start")[-1]
    assert (entry.actor, entry.outcome) == ("fac", "ok")
    assert entry.detail == "for hosp-it, as facilitator: Hal is on leave; he asked by email"


def test_escalations_are_moved_by_their_levels(new_db: NewDb, tmp_path: Path) -> None:
    tracker = started(new_db(migrated=True), world(tmp_path))
    with pytest.raises(ActionRefused, match="hit may not open an escalation on 'barrier'"):
        tracker.open_escalation("acme", "barrier", "TICKET-1", actor="hit")
    number, level = tracker.open_escalation("acme", "barrier", "TICKET-1", actor="intake")
    assert level == "cbo-intake"
    assert tracker.move_escalation("acme", number, "escalate", actor="intake").after == "level-2"
    # Once it is with the program manager, the intake coordinator can no longer resolve it.
    with pytest.raises(ActionRefused, match="intake may not resolve escalation"):
        tracker.move_escalation("acme", number, "resolve", actor="intake")
    assert tracker.move_escalation("acme", number, "resolve", actor="mgo").after == "resolved"


def test_as_must_name_a_person_of_the_workflow(new_db: NewDb, tmp_path: Path) -> None:
    url = new_db(migrated=True)
    path = world(tmp_path)
    tracker = started(url, path)
    with pytest.raises(UnknownName, match="unknown person 'root'"):
        tracker.start_partnership("other", str(path), START, END, actor="root")
    with pytest.raises(UnknownName, match=r"unknown person .jle.*did you mean .jlee."):
        tracker.rebase("acme", actor="jle")
    assert [p.name for p in tracker.partnerships()] == ["acme"]
    for args in (
        [
            "partnership",
            "start",
            "x",
            "--workflow",
            str(path),
            "--start",
            "2026-01-01",
            "--end",
            "2026-12-31",
        ],
        ["partnership", "rebase", "acme"],
    ):
        missing = lifecycle(*args, "--db", url)
        assert missing.returncode == 1
        assert missing.stderr.startswith("--as PERSON is required: ")
        unknown = lifecycle(*args, "--db", url, "--as", "root")
        assert unknown.returncode == 1
        assert unknown.stderr.startswith("unknown person 'root'")
        assert len(unknown.stderr.splitlines()) == 1


def test_a_refused_command_prints_one_line_and_exits_1(new_db: NewDb, tmp_path: Path) -> None:
    url = new_db(migrated=True)
    started(url, world(tmp_path), phase="pre-launch")
    result = lifecycle("task", "start", "acme", "it-onboarding", "--as", "intake", "--db", url)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "intake may not start task 'it-onboarding': they hold or back up none of hosp-it"
    ]
