"""The contracting workgroup charter, expressed with governance bodies: its
rules hold on the shipped workflow and break, at the rule's line, when the
seats stop meeting them."""

from __future__ import annotations

from conftest import ROOT

from lifecycle.checks import check, run_checks
from lifecycle.loader import load, loads

CHARTER = ROOT / "workflows" / "cbo-network-formation.yaml"


def charter_text() -> str:
    return CHARTER.read_text(encoding="utf-8")


def test_the_charter_workflow_passes_with_suppressions_only_for_what_lies_outside_it():
    report = run_checks(load(CHARTER))
    assert report.findings == []
    assert {s.suppression.rule for s in report.suppressions} == {"SPF001", "SPF003", "SPF012"}
    assert all(s.count == 1 for s in report.suppressions)


def test_the_workgroup_carries_the_charters_rules():
    body = load(CHARTER).workflow.bodies["contracting-workgroup"]
    assert body.decision is not None and body.decision.vote_share == 0.75
    assert body.replacement is not None and body.replacement.else_selected_by == "coordinating-committee"
    assert body.reports_to == "planning-committee" and body.report_cadence == "monthly"
    assert sum(1 for s in body.seats.values() if s.kind == "chair") == 3


def test_too_few_cbo_seats_break_the_composition_rule_at_its_line():
    text = charter_text()
    for seat in ("food-member", "housing-member"):
        text = text.replace(f"      {seat}: {{person:", f"      {seat}: {{kind: non-voting, person:")
    found = check(loads(text, "w.yaml"), select=["GAP019"])
    rule_line = next(n for n, line in enumerate(text.splitlines(), 1) if "from_kinds: [cbo, cch]" in line) - 1
    assert [(d.location.line, d.element) for d in found] == [(rule_line, "contracting-workgroup")]
    assert "5 chair or voting seats representing a cbo or cch" in found[0].message


def test_a_voting_seat_without_the_replacement_rule_needs_a_backup_again():
    text = charter_text()
    start = text.index("    replacement:\n      proposed_by")
    end = text.index('    notes: >-\n      "The workgroup is chaired and staffed')
    found = {d.code for d in check(loads(text[:start] + text[end:], "w.yaml"))}
    assert {"SPF012", "SPF001"} <= found


def test_a_meeting_more_often_than_the_charter_allows():
    text = charter_text().replace("    cadence: biweekly\n", "    cadence: weekly\n", 1)
    assert [d.code for d in check(loads(text, "w.yaml"), select=["DATA016"])] == ["DATA016"]


def test_overlapping_phases_must_be_declared():
    text = charter_text().replace(
        "    overlaps: [drafting, review, finalize]\n", "    overlaps: [review, finalize]\n"
    )
    found = check(loads(text, "w.yaml"), select=["GAP020", "GAP017"])
    assert {d.code for d in found} == {"GAP020"}
    assert all(d.element == "drafting" for d in found)
