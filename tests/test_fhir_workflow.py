"""workflows/fhir-referral-task.yaml: the SDOH Clinical Care guide's referral
Task lifecycle, status for status and move for move, with who sets each status;
it passes `check` and renders."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from lifecycle.checks import run_checks
from lifecycle.cli import main
from lifecycle.loader import load
from lifecycle.model import ExitKind, JourneyKind

ROOT = Path(__file__).resolve().parent.parent
FHIR = ROOT / "workflows" / "fhir-referral-task.yaml"
WORKFLOW = load(FHIR).workflow
JOURNEY = WORKFLOW.journeys["referral-task"]

SDOHCC_STATUSES = {
    "draft",
    "requested",
    "accepted",
    "rejected",
    "cancelled",
    "in-progress",
    "on-hold",
    "failed",
    "completed",
    "entered-in-error",
}
"""The SDOHCC referral Task status value set: FHIR TaskStatus without ready and received."""

DIAGRAM = {
    ("draft", "requested"),
    ("draft", "entered-in-error"),
    ("requested", "accepted"),
    ("requested", "rejected"),
    ("accepted", "in-progress"),
    ("accepted", "on-hold"),
    ("accepted", "completed"),
    ("accepted", "failed"),
    ("accepted", "cancelled"),
    ("in-progress", "on-hold"),
    ("in-progress", "completed"),
    ("in-progress", "failed"),
    ("in-progress", "cancelled"),
    ("on-hold", "in-progress"),
    ("on-hold", "completed"),
    ("on-hold", "failed"),
    ("on-hold", "cancelled"),
}
"""The moves of the guide's Referral Task State Diagram ("Completed or Failed" is one box there)."""

VOIDED_LATER = {
    (s, "entered-in-error") for s in ("requested", "completed", "failed", "rejected", "cancelled")
}
"""The moves the file adds, as its notes say: a Task found to be in error after it was sent or closed."""

SET_BY = {
    "draft": {"plan-referrals"},
    "requested": {"plan-referrals"},
    "entered-in-error": {"plan-referrals"},
    "accepted": {"hub-intake"},
    "rejected": {"hub-intake"},
    "in-progress": {"hub-intake"},
    "on-hold": {"hub-intake"},
    "failed": {"hub-intake"},
    "completed": {"hub-intake"},
    "cancelled": {"plan-referrals", "hub-intake"},
}
"""The guide's "Set By" column: requester (plan-referrals), responder (hub-intake), or either."""


def test_the_steps_and_exits_are_the_sdohcc_task_status_codes() -> None:
    assert JOURNEY.kind is JourneyKind.STATUS
    assert set(JOURNEY.steps) | set(JOURNEY.exits) == SDOHCC_STATUSES
    assert JOURNEY.start == "draft" and JOURNEY.steps["draft"].optional
    assert {x: e.kind for x, e in JOURNEY.exits.items()} == {
        "completed": ExitKind.COMPLETED,
        "failed": ExitKind.FAILED,
        "rejected": ExitKind.REJECTED,
        "cancelled": ExitKind.CANCELLED,
        "entered-in-error": ExitKind.ENTERED_IN_ERROR,
    }
    assert not JOURNEY.exits["entered-in-error"].next


def test_the_moves_are_the_guides_and_the_voids_its_notes_name() -> None:
    assert set(JOURNEY.declared_moves()) == DIAGRAM | VOIDED_LATER


def test_every_move_is_made_by_the_side_the_guide_says_sets_its_status() -> None:
    for source, target in JOURNEY.declared_moves():
        assert set(JOURNEY.movers(source, target)) == SET_BY[target], (source, target)


def test_the_requester_and_the_performer_are_the_referring_plan_and_the_hub() -> None:
    assert WORKFLOW.organizations[WORKFLOW.roles["plan-referrals"].org].kind == "payer"
    assert WORKFLOW.organizations[WORKFLOW.roles["hub-intake"].org].kind == "cch"


def test_check_finds_nothing_and_each_suppression_says_why() -> None:
    report = run_checks(load(FHIR))
    assert report.findings == []
    # Both suppressions silence a real finding: a partnership workflow around this file holds them.
    assert {a.suppression.rule: len(a.findings) for a in report.suppressions} == {"DATA011": 1, "SPF007": 1}
    assert all("partnership workflow" in s.reason for s in WORKFLOW.ignore)


def test_the_journey_renders_to_a_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.png"
    with pytest.raises(SystemExit) as stopped:
        main(["render", str(FHIR), "--journey", "referral-task", "-o", str(out)])
    assert stopped.value.code in (0, None)
    with Image.open(out) as image:
        width, height = image.size
    assert width > 1500 and 500 < height < width
