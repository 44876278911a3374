"""Renames in a workflow keep their tracked state (``rebase --rename``), and a
partnership started mid-lifecycle shows earlier gates as not tracked; on SQLite
and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from backends import NewDatabase as NewDb
from tracked import WORLD, launched, lifecycle, started, world

from lifecycle.tracking import TrackingError

RENAMED = (
    WORLD.replace("it-onboarding", "hospital-it-onboarding")
    .replace("it-plan", "hospital-it-plan")
    .replace("  pre-launch:", "  readiness:")
    .replace("identify:", "find:")
    .replace("start: identify", "start: find")
    .replace("[identify]", "[find]")
)


def test_rename_keeps_state_evidence_signoffs_and_members(new_db: NewDb, tmp_path: Path) -> None:
    path = world(tmp_path)
    tracker = launched(new_db(migrated=True), path)
    tracker.start_journey("acme", "member", "REF-1", actor="jlee")
    path.write_text(RENAMED, encoding="utf-8")
    with pytest.raises(TrackingError, match="use --rename OLD=NEW when they were renamed"):
        tracker.rebase("acme", actor="jlee")
    lines = tracker.rebase(
        "acme",
        actor="jlee",
        renames={
            "it-onboarding": "hospital-it-onboarding",
            "it-plan": "hospital-it-plan",
            "pre-launch": "readiness",
            "identify": "find",
        },
    )
    assert lines == [
        "renamed task it-onboarding -> hospital-it-onboarding",
        "renamed artifact it-plan -> hospital-it-plan",
        "renamed gate pre-launch -> readiness",
        "renamed step identify -> find",
    ]
    partnership, progress = tracker.progress("acme")
    assert progress.tasks["hospital-it-onboarding"] == "done"
    assert "it-onboarding" not in progress.tasks
    assert progress.evidence["hospital-it-plan"] == ["IT plan v1"]
    assert partnership.started_phase == "readiness"
    assert tracker.check_gate("acme", "readiness").met
    assert [r.step for r in tracker.journeys("acme")] == ["find"]
    # The history stays under the old name; a rename entry links it to the new one.
    assert [e.action for e in tracker.audit("acme", subject="it-onboarding") if e.outcome == "ok"] == [
        "task.start",
        "task.done",
        "task.rename",
    ]
    rename = tracker.audit("acme", action="task.rename")[0]
    assert (rename.from_state, rename.to_state, rename.actor) == (
        "it-onboarding",
        "hospital-it-onboarding",
        "jlee",
    )
    tracker.move_journey("acme", "member", "REF-1", "intake", actor="intake")


def test_bad_renames_are_refused(new_db: NewDb, tmp_path: Path) -> None:
    url = new_db(migrated=True)
    path = world(tmp_path)
    started(url, path)
    path.write_text(RENAMED, encoding="utf-8")
    for rename, message in (
        ("it-onboarding", "--rename 'it-onboarding': write OLD=NEW"),
        ("it-onboarding=nothing", "--rename it-onboarding=nothing: 'nothing' is no task, phase, artifact"),
        ("contract=intake", "--rename contract=intake: 'contract' is still in the workflow (as artifact)"),
    ):
        result = lifecycle("partnership", "rebase", "acme", "--as", "jlee", "--rename", rename, "--db", url)
        assert result.returncode == 1
        assert result.stderr.startswith(message), result.stderr


def test_a_partnership_started_later_shows_earlier_gates_not_tracked(new_db: NewDb, tmp_path: Path) -> None:
    url = new_db(migrated=True)
    started(url, world(tmp_path), phase="implementation")
    status = lifecycle("status", "acme", "--db", url)
    assert status.returncode == 0, status.stderr
    assert "Gate scoping: Contract signed: not tracked (started at implementation)" in status.stdout
    assert (
        "Gate pre-launch: Launch readiness (launch): not tracked (started at implementation)" in status.stdout
    )
    assert "Blockers: none" in status.stdout
    gate = lifecycle("gate", "check", "acme", "pre-launch", "--db", url)
    assert gate.stdout.splitlines()[-1] == "gate pre-launch: not tracked (started at implementation)"
