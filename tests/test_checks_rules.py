"""Rules on small workflows: what fires, where, and how suppressions and
selections change it."""

from __future__ import annotations

import pytest

from lifecycle.checks import Settings, UnknownRuleError, check, run_checks
from lifecycle.loader import loads

BASE = """\
id: demo
title: Demo
organizations:
  plan: {name: Plan, kind: payer, point_of_contact: plan-poc}
  cbo: {name: CBO, kind: cbo, point_of_contact: cbo-manager}
people:
  jlee: {name: Jordan Lee, org: plan}
  mbell: {name: Marcus Bell, org: plan}
  mgonzalez: {name: Maria Gonzalez, org: cbo}
  ayusuf: {name: Amina Yusuf, org: cbo}
roles:
  plan-poc: {org: plan, title: POC, held_by: jlee, backup: plan-lead}
  plan-lead: {org: plan, title: Lead, held_by: mbell, decision_authority: true}
  cbo-manager: {org: cbo, title: Manager, held_by: mgonzalez, backup: cbo-director}
  cbo-director: {org: cbo, title: Director, held_by: ayusuf, decision_authority: true}
"""


def codes(text: str, **kwargs) -> list[str]:
    return [d.code for d in check(loads(text, "w.yaml"), **kwargs)]


def test_clean_base_has_no_findings():
    assert codes(BASE) == []


def test_task_without_owner_is_located_at_the_task():
    text = BASE + "phases:\n  p:\n    title: P\n    tasks:\n      t1: {title: T, responsible: plan-poc}\n"
    found = check(loads(text, "w.yaml"), select=["GAP001"])
    assert [str(d) for d in found] == [
        "w.yaml:20:7: error GAP001: task 't1' has no accountable owner "
        "(name exactly one accountable role: owner: <role>)"
    ]


def test_misplaced_backup_and_holder_and_hub():
    text = BASE.replace("backup: plan-lead}", "backup: cbo-director}").replace(
        "cbo: {name: CBO, kind: cbo,", "cbo: {name: CBO, kind: cbo, network: plan,"
    )
    found = check(loads(text, "w.yaml"), select=["GAP004"])
    messages = sorted(d.message for d in found)
    assert messages == [
        "organization 'cbo': network hub 'plan' is a payer, not a cch",
        "role 'plan-poc' of 'plan' has backup 'cbo-director' from 'cbo'",
    ]


def test_task_loop_is_one_finding():
    text = BASE + (
        "phases:\n  p:\n    title: P\n    tasks:\n"
        "      a: {title: A, owner: plan-poc, responsible: plan-poc, after: b}\n"
        "      b: {title: B, owner: plan-poc, responsible: plan-poc, after: a}\n"
    )
    found = check(loads(text, "w.yaml"), select=["GAP007"])
    assert [d.message for d in found] == ["tasks 'a', 'b' wait for each other, so none of them can start"]


def test_artifact_from_a_later_phase_is_too_late():
    text = BASE + (
        "artifacts:\n  sow: {title: Scope of work}\n"
        "phases:\n  early:\n    title: Early\n    tasks:\n"
        "      use: {title: Use, owner: plan-poc, responsible: plan-poc, needs: sow}\n"
        "  late:\n    title: Late\n    tasks:\n"
        "      make: {title: Make, owner: plan-poc, responsible: plan-poc, produces: sow}\n"
    )
    found = check(loads(text, "w.yaml"), select=["GAP008"])
    assert len(found) == 1 and "produced only by 'make', which do not come before it" in found[0].message


def test_unofficial_person_in_a_handoff_inside_one_org_is_not_a_cross_org_dependency():
    text = BASE.replace("people:\n", "people:\n  dmorgan: {name: D, org: plan, official: false}\n")
    inside = text + "handoffs:\n  h: {from: plan-poc, to: dmorgan, channel: phone}\n"
    across = text + "handoffs:\n  h: {from: cbo-manager, to: dmorgan, channel: phone}\n"
    assert codes(inside, select=["SPF002"]) == []
    assert codes(across, select=["SPF002"]) == ["SPF002"]


def test_cut_point_person_is_reported_and_backup_removes_it():
    text = BASE + "handoffs:\n  h: {from: plan-poc, to: cbo-manager, channel: portal}\n"
    assert codes(text, select=["SPF003"]) == []
    no_backup = text.replace(", backup: plan-lead}", "}")
    found = check(loads(no_backup, "w.yaml"), select=["SPF003"])
    assert sorted(d.element for d in found) == ["jlee", "plan-poc"]


def test_max_seats_threshold_is_configurable():
    assert codes(BASE, select=["SPF006"]) == []
    report = run_checks(loads(BASE, "w.yaml"), select=["SPF006"], settings=Settings(max_seats=0))
    assert len(report.findings) == 4


def test_suppression_silences_and_is_reported():
    text = BASE.replace(
        "  cbo: {name: CBO, kind: cbo, point_of_contact: cbo-manager}\n", "  cbo: {name: CBO, kind: cbo}\n"
    )
    assert codes(text, select=["GAP009"]) == ["GAP009"]
    accepted = (
        text + "ignore:\n  - {rule: GAP009, reason: The CBO names its contact at kickoff, element: cbo}\n"
    )
    report = run_checks(loads(accepted, "w.yaml"), select=["GAP009"])
    assert report.findings == []
    assert report.suppressed == 1
    assert report.suppressions[0].findings[0].element == "cbo"


def test_suppression_for_another_element_does_not_apply():
    text = BASE.replace(
        "  cbo: {name: CBO, kind: cbo, point_of_contact: cbo-manager}\n", "  cbo: {name: CBO, kind: cbo}\n"
    )
    other = text + "ignore:\n  - {rule: GAP009, reason: Not this one, element: plan}\n"
    report = run_checks(loads(other, "w.yaml"), select=["GAP009"])
    assert [d.code for d in report.findings] == ["GAP009"]
    assert report.suppressions[0].count == 0


def test_select_by_prefix_and_name_and_ignore():
    text = BASE + "meetings:\n  joc: {title: JOC}\ndata_exchanges:\n  x: {from: cbo, to: plan}\n"
    expected = {"DATA001", "DATA002", "DATA003", "DATA006", "DATA014", "DATA015"}
    assert set(codes(text, select=["DATA"])) == expected
    assert codes(text, select=["meeting-without-follow-up-owner"]) == ["DATA006"]
    assert "DATA006" not in codes(text, ignore=["DATA006"])


def test_unknown_rule_code_is_an_error_with_a_suggestion():
    with pytest.raises(UnknownRuleError, match="did you mean 'GAP001'"):
        check(loads(BASE), select=["GAPP001"])
