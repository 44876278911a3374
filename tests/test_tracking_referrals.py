"""Members are referred only once the workflow says referrals open, and may be
referred again after an exit, as a new episode; on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from backends import NewDatabase as NewDb
from tracked import WORLD, launched, lifecycle, started, world

from lifecycle.machine import TransitionRefused
from lifecycle.tracking import TrackingError


def test_a_referral_before_launch_is_refused_with_the_reason(new_db: NewDb, tmp_path: Path) -> None:
    tracker = started(new_db(migrated=True), world(tmp_path))
    with pytest.raises(TransitionRefused) as refused:
        tracker.start_journey("acme", "member", "REF-1", actor="jlee")
    assert str(refused.value) == (
        "members cannot be referred into journey 'member' yet: the partnership is in 'scoping'; "
        "referrals open once the launch gate of 'pre-launch' is passed"
    )
    assert tracker.journeys("acme") == []
    [entry] = tracker.audit("acme", action="journey.start")
    assert (entry.actor, entry.outcome, entry.subject) == ("jlee", "refused", "member/REF-1")


def test_a_journey_may_open_at_a_named_phase(new_db: NewDb, tmp_path: Path) -> None:
    text = WORLD.replace("    start: identify\n", "    start: identify\n    opens_at: pre-launch\n")
    tracker = started(new_db(migrated=True), world(tmp_path, text), phase="pre-launch")
    assert tracker.start_journey("acme", "member", "PILOT-1", actor="jlee").after == "identify"


def test_an_unknown_opening_phase_is_a_load_error(tmp_path: Path) -> None:
    text = WORLD.replace("    start: identify\n", "    start: identify\n    opens_at: launch\n")
    result = lifecycle("validate", str(world(tmp_path, text)))
    assert result.returncode == 1
    assert "E301" in result.stdout + result.stderr
    assert "'launch'" in result.stdout + result.stderr


def test_a_member_is_referred_again_after_an_exit(new_db: NewDb, tmp_path: Path) -> None:
    tracker = launched(new_db(migrated=True), world(tmp_path))
    tracker.start_journey("acme", "member", "REF-1", actor="jlee")
    with pytest.raises(TrackingError, match="already in journey 'member' \\(at step 'identify'\\)"):
        tracker.start_journey("acme", "member", "REF-1", actor="jlee")
    tracker.move_journey("acme", "member", "REF-1", "intake", actor="intake")
    tracker.move_journey("acme", "member", "REF-1", "declined", actor="intake")
    again = tracker.start_journey("acme", "member", "REF-1", actor="jlee")
    assert (again.subject, again.after) == ("member/REF-1#2", "identify")
    tracker.move_journey("acme", "member", "REF-1", "intake", actor="intake")
    rows = [(r.member_key, r.episode, r.step) for r in tracker.journeys("acme")]
    assert rows == [("REF-1", 1, "declined"), ("REF-1", 2, "intake")]
    # Each episode keeps its own history.
    first = [
        (e.action, e.to_state) for e in tracker.audit("acme", subject="member/REF-1") if e.outcome == "ok"
    ]
    second = [(e.action, e.to_state) for e in tracker.audit("acme", subject="member/REF-1#2")]
    assert first == [("journey.start", "identify"), ("journey.move", "intake"), ("journey.move", "declined")]
    assert second == [("journey.start", "identify"), ("journey.move", "intake")]


def test_the_journey_commands_show_the_refusal_and_the_episode(new_db: NewDb, tmp_path: Path) -> None:
    url = new_db(migrated=True)
    started(url, world(tmp_path))
    refused = lifecycle("journey", "start", "acme", "member", "REF-9", "--as", "jlee", "--db", url)
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        "members cannot be referred into journey 'member' yet: the partnership is in 'scoping'; "
        "referrals open once the launch gate of 'pre-launch' is passed"
    ]
    # After launch: referred, taken to an exit, referred again as the second episode.
    launched(url, world(tmp_path), name="lake").close()
    member = ["--as", "jlee", "--db", url]
    assert lifecycle("journey", "start", "lake", "member", "REF-9", *member).stdout == (
        "member/REF-9: referred, at step identify\n"
    )
    for step in ("intake", "declined"):
        moved = lifecycle("journey", "move", "lake", "member", "REF-9", step, "--as", "intake", "--db", url)
        assert moved.returncode == 0, moved.stderr
    again = lifecycle("journey", "start", "lake", "member", "REF-9", *member)
    assert again.returncode == 0, again.stderr
    assert again.stdout == "member/REF-9#2: referred, at step identify\n"
    listed = lifecycle("journey", "list", "lake", "--db", url)
    rows = [line.split("\t")[:4] for line in listed.stdout.splitlines()]
    assert rows == [["member", "REF-9", "1", "declined"], ["member", "REF-9", "2", "identify"]]
    [logged] = lifecycle("log", "lake", "--subject", "member/REF-9#2", "--db", url).stdout.splitlines()
    assert "journey.start  member/REF-9#2  - -> identify" in logged
    assert "referred again (episode 2)" in logged
