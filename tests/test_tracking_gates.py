"""A met gate means ready: a gate with no criteria is never met, a sign-off
given before the evidence is stale, a task that produces an artifact is not
finished silently without evidence; on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from backends import NewDatabase as NewDb
from tracked import WORLD, lifecycle, started, world

from lifecycle.checks import check
from lifecycle.loader import load
from lifecycle.machine import TransitionRefused
from lifecycle.tracking import TrackingError
from lifecycle.tracking.gates import NO_CRITERIA


def _empty_gate() -> str:
    data = yaml.safe_load(WORLD)
    data["phases"]["scoping"]["exit_gate"]["criteria"] = {}
    return yaml.safe_dump(data, sort_keys=False)


def test_a_gate_with_no_criteria_is_never_met(new_db: NewDb, tmp_path: Path) -> None:
    path = world(tmp_path, _empty_gate())
    found = [d for d in check(load(path)) if d.code == "GATE005" and d.element == "scoping"]
    assert [d.severity.value for d in found] == ["error"]
    tracker = started(new_db(migrated=True), path)
    report = tracker.check_gate("acme")
    assert not report.met
    assert report.reasons() == [NO_CRITERIA]
    with pytest.raises(TransitionRefused) as refused:
        tracker.advance("acme", actor="jlee")
    assert refused.value.reasons == [NO_CRITERIA]
    assert tracker.partnership("acme").phase == "scoping"


def _sign_contract(tracker, evidence: str | None = "contract.pdf") -> None:  # type: ignore[no-untyped-def]
    tracker.change_tasks("acme", ["write-scope"], "start", actor="jlee")
    tracker.change_tasks("acme", ["write-scope"], "done", actor="jlee")
    tracker.change_tasks("acme", ["sign-contract"], "start", actor="jlee")
    tracker.change_tasks("acme", ["sign-contract"], "done", actor="jlee", evidence=evidence)


def test_a_signoff_before_the_evidence_is_stale_and_must_be_given_again(
    new_db: NewDb, tmp_path: Path
) -> None:
    tracker = started(new_db(migrated=True), world(tmp_path))
    [early] = tracker.sign_off("acme", "scoping", actor="jlee", evidence="will be fine")
    assert early.not_ready == ["signed: task 'sign-contract' is todo; artifact 'contract' has no evidence"]
    _sign_contract(tracker)
    report = tracker.check_gate("acme")
    assert not report.met
    assert report.reasons() == [
        "signed: the sign-off by role 'plan-poc' is stale (given before the criterion was ready)"
    ]
    [criterion] = report.criteria
    assert len(criterion.stale) == 1 and criterion.stale[0].startswith("jlee signed as plan-poc on ")
    with pytest.raises(TransitionRefused):
        tracker.advance("acme", actor="jlee")
    [again] = tracker.sign_off("acme", "scoping", actor="jlee", evidence="countersigned copy on file")
    assert again.not_ready == []
    assert tracker.check_gate("acme").met
    assert tracker.advance("acme", actor="jlee").after == "pre-launch"
    details = [e.detail or "" for e in tracker.audit("acme", action="gate.signoff")]
    assert details[0].startswith("as plan-poc: will be fine (stale for signed: ")
    assert details[1] == "as plan-poc: countersigned copy on file"


def test_the_signoff_command_says_it_is_stale(new_db: NewDb, tmp_path: Path) -> None:
    url = new_db(migrated=True)
    started(url, world(tmp_path))
    result = lifecycle("gate", "signoff", "acme", "scoping", "--as", "jlee", "--evidence", "ok", "--db", url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "jlee signed scoping as plan-poc",
        "  stale for signed: task 'sign-contract' is todo; artifact 'contract' has no evidence: "
        "sign again once it is in place",
    ]
    check = lifecycle("gate", "check", "acme", "--db", url)
    assert check.returncode == 1
    assert "stale: jlee signed as plan-poc" in check.stdout


def test_finishing_a_task_that_produces_an_artifact_needs_evidence(new_db: NewDb, tmp_path: Path) -> None:
    tracker = started(new_db(migrated=True), world(tmp_path))
    tracker.change_tasks("acme", ["write-scope"], "start", actor="jlee")
    with pytest.raises(TrackingError, match=r"task 'write-scope' produces no artifact.*gate evidence"):
        tracker.change_tasks("acme", ["write-scope"], "done", actor="jlee", evidence="scope.docx")
    tracker.change_tasks("acme", ["write-scope"], "done", actor="jlee")
    tracker.change_tasks("acme", ["sign-contract"], "start", actor="jlee")
    with pytest.raises(TrackingError, match=r"produces contract: give --evidence.*or --no-evidence --reason"):
        tracker.change_tasks("acme", ["sign-contract"], "done", actor="jlee")
    with pytest.raises(TrackingError, match="--no-evidence needs --reason"):
        tracker.change_tasks("acme", ["sign-contract"], "done", actor="jlee", no_evidence=True)
    assert tracker.progress("acme")[1].tasks["sign-contract"] == "in-progress"
    tracker.change_tasks(
        "acme", ["sign-contract"], "done", actor="jlee", no_evidence=True, reason="the scan follows on Monday"
    )
    assert tracker.audit("acme", action="task.done")[-1].detail == (
        "as plan-poc; no evidence: the scan follows on Monday"
    )
    assert tracker.check_gate("acme").reasons()[0] == "signed: artifact 'contract' has no evidence"


def test_the_task_command_refuses_done_without_evidence(new_db: NewDb, tmp_path: Path) -> None:
    url = new_db(migrated=True)
    tracker = started(url, world(tmp_path), phase="pre-launch")
    tracker.change_tasks("acme", ["it-onboarding"], "start", actor="hit")
    refused = lifecycle("task", "done", "acme", "it-onboarding", "--as", "hit", "--db", url)
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        "task 'it-onboarding' produces it-plan: give --evidence (a link or a short text), "
        "or --no-evidence --reason WHY"
    ]
    done = lifecycle(
        "task",
        "done",
        "acme",
        "it-onboarding",
        "--as",
        "hit",
        "--no-evidence",
        "--reason",
        "plan in review",
        "--db",
        url,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "it-onboarding: in-progress -> done\n"
