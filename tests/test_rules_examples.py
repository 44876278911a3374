"""Each rule's failing example gives the rule at the line its page marks
(``# <- CODE``), the fixed example is clean, and the other examples the issue
names for the seed's practices do the same."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lifecycle.checks import check
from lifecycle.loader import loads

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"
FAIL = re.compile(r"<!-- fail -->\n```yaml\n(.*?)```", re.S)


def marked_pages() -> list[str]:
    return sorted(p.stem for p in DOCS.glob("*.md") if "# <- " in p.read_text(encoding="utf-8"))


def lines_of(code: str, text: str, name: str = "w.yaml") -> list[int]:
    return [d.location.line for d in check(loads(text, name), select=[code])]


@pytest.mark.parametrize("code", marked_pages())
def test_failing_example_gives_the_rule_at_the_marked_line(code):
    text = FAIL.search((DOCS / f"{code}.md").read_text(encoding="utf-8"))
    assert text is not None
    body = text.group(1)
    marked = [n for n, line in enumerate(body.splitlines(), 1) if line.rstrip().endswith(f"# <- {code}")]
    assert marked, f"{code}.md marks no line"
    assert lines_of(code, body) == marked


BASE = """\
id: demo
title: Demo
organizations:
  plan: {name: Plan, kind: payer, point_of_contact: plan-poc}
  cbo: {name: CBO, kind: cbo, point_of_contact: cbo-manager}
people:
  jlee: {name: Jordan Lee, org: plan}
  mgonzalez: {name: Maria Gonzalez, org: cbo}
  dmorgan: {name: Dana Morgan, org: plan, official: false}
roles:
  plan-poc: {org: plan, title: POC, held_by: jlee, decision_authority: true}
  cbo-manager: {org: cbo, title: Manager, held_by: mgonzalez}
"""


def journey(stages: list[str], owner: str = "cbo-manager") -> str:
    nexts = [f"s{i}" for i in range(1, len(stages))] + ["done"]
    steps = "".join(
        f"      s{i}: {{title: Step {i}, stage: {stage}, owner: {owner}, next: {nexts[i]}}}\n"
        for i, stage in enumerate(stages)
    )
    return (
        BASE
        + "journeys:\n  member:\n    title: Member journey\n    start: s0\n    steps:\n"
        + steps
        + "    exits:\n      done: {title: Done, kind: completed}\n"
    )


ALL_STAGES = ["identification", "engagement", "enrollment", "service-provision", "service-completion"]


def test_journey_that_skips_enrollment_is_reported_at_the_journey():
    found = check(loads(journey([s for s in ALL_STAGES if s != "enrollment"])), select=["GAP013"])
    assert [(d.location.line, "enrollment" in d.message) for d in found] == [(14, True)]
    assert check(loads(journey(ALL_STAGES)), select=["GAP013"]) == []


def test_journey_with_every_step_in_one_stage_says_so():
    (found,) = check(loads(journey(["engagement", "engagement"])), select=["GAP013"])
    assert "every step is in engagement" in found.message
    assert found.location.line == 14


def test_journey_may_declare_the_stages_it_maps():
    text = journey(["identification", "engagement"]).replace(
        "    start: s0\n", "    start: s0\n    stages: [identification, engagement]\n"
    )
    assert check(loads(text), select=["GAP013"]) == []


def test_unofficial_go_to_owning_a_journey_step_is_spf002_not_spf011():
    text = journey(ALL_STAGES).replace(
        "s2: {title: Step 2, stage: enrollment, owner: cbo-manager",
        "s2: {title: Step 2, stage: enrollment, owner: dmorgan",
    )
    found = check(loads(text), select=["SPF002", "SPF011"])
    assert [(d.code, d.location.line) for d in found] == [("SPF002", 20)]


def test_official_person_owning_a_journey_step_is_spf011():
    text = journey(ALL_STAGES).replace(
        "s1: {title: Step 1, stage: engagement, owner: cbo-manager",
        "s1: {title: Step 1, stage: engagement, owner: mgonzalez",
    )
    found = check(loads(text), select=["SPF011"])
    assert [d.location.line for d in found] == [19]


def test_a_person_cannot_be_a_task_role():
    text = BASE + "phases:\n  p:\n    title: P\n    tasks:\n      t: {title: T, owner: jlee}\n"
    with pytest.raises(Exception, match="'jlee' is a person, not a role"):
        loads(text)


LAUNCH = (
    BASE
    + """\
phases:
  pre-launch:
    title: Pre-launch
    kind: pre-launch
    tasks:
      test-referral:
        {title: Test referral, owner: plan-poc, readiness: workflow-testing, workflows: [referral]}
    exit_gate:
      title: Launch readiness
      launch: true
      criteria:
        credentialed: {title: Credentialed, readiness: credentialing, signoff: plan-poc}
        trained: {title: Trained, readiness: staff-training, signoff: plan-poc}
        secure: {title: Secure, readiness: data-security-review, signoff: plan-poc}
        onboarded: {title: Onboarded, readiness: technology-onboarding, signoff: plan-poc}
        funds: {title: Funds released, readiness: pre-payment-funds, signoff: plan-poc}
        tested: {title: Workflows tested, tasks: test-referral, signoff: plan-poc}
"""
)


def test_gate003_asks_for_referral_reporting_and_payment_workflows_each():
    (found,) = check(loads(LAUNCH), select=["GATE003"])
    assert found.location.line == 20
    assert "workflow-testing of reporting, payment" in found.message
    fixed = LAUNCH.replace("workflows: [referral]", "workflows: [referral, reporting, payment]")
    assert check(loads(fixed), select=["GATE003"]) == []


def test_handoff_carrying_phi_over_plain_email_is_data004():
    text = BASE + "handoffs:\n  referral: {from: plan-poc, to: cbo-manager, channel: email, phi: true}\n"
    found = check(loads(text), select=["DATA004"])
    assert [d.location.line for d in found] == [14]
    fixed = text.replace("channel: email", "channel: secure-email")
    assert check(loads(fixed), select=["DATA004"]) == []


HUB = """\
id: demo
title: Demo hub
organizations:
  plan: {name: Plan, kind: payer, point_of_contact: plan-poc}
  hub: {name: Hub, kind: cch, point_of_contact: hub-lead, centralizes: [incident-escalation]}
  meals: {name: Meals, kind: cbo, network: hub, point_of_contact: meals-manager}
people:
  jlee: {name: Jordan Lee, org: plan}
  tnguyen: {name: Thanh Nguyen, org: hub}
  mgonzalez: {name: Maria Gonzalez, org: meals}
roles:
  plan-poc: {org: plan, title: POC, held_by: jlee, decision_authority: true}
  hub-lead: {org: hub, title: Lead, held_by: tnguyen}
  meals-manager: {org: meals, title: Manager, held_by: mgonzalez}
escalations:
  barrier:
    title: Member barrier
    trigger: A member waits
    levels: [meals-manager, plan-poc]
    response_time: 2 days
data_exchanges:
  member-list: {from: plan, to: meals, elements: [Member ID]}
"""


def test_escalation_around_a_hub_that_centralizes_incident_escalation():
    found = check(loads(HUB), select=["DATA013"])
    # Data-sharing is not centralized by this hub, so the exchange passes.
    assert [d.location.line for d in found] == [19]
    fixed = HUB.replace("levels: [meals-manager, plan-poc]", "levels: [meals-manager, hub-lead, plan-poc]")
    assert check(loads(fixed), select=["DATA013"]) == []


def test_cbo_path_that_reaches_the_plan_through_the_hub_passes_spf008():
    fixed = HUB.replace("levels: [meals-manager, plan-poc]", "levels: [meals-manager, hub-lead, plan-poc]")
    assert check(loads(fixed), select=["SPF008"]) == []
    never = HUB.replace("levels: [meals-manager, plan-poc]", "levels: [meals-manager, hub-lead]")
    assert [d.location.line for d in check(loads(never), select=["SPF008"])] == [19]


def test_unquoted_absolute_date_is_a_deadline():
    text = (
        BASE
        + "phases:\n  p:\n    title: P\n    tasks:\n      a: {title: A, owner: plan-poc, due: 2026-09-01}\n"
        "      b: {title: B, owner: plan-poc, after: a, due: 2026-08-01}\n"
    )
    found = check(loads(text), select=["GAP014"])
    assert [d.location.line for d in found] == [18]


def test_deadlines_on_different_milestones_are_compared_only_when_certain():
    text = (
        BASE + "phases:\n  p:\n    title: P\n    tasks:\n"
        "      a: {title: A, owner: plan-poc, due: 30 days after launch}\n"
        "      b: {title: B, owner: plan-poc, after: a, due: 10 days after contract signed}\n"
        "      c: {title: C, owner: plan-poc, after: a, due: 2026-08-01}\n"
        "      d: {title: D, owner: plan-poc, after: a, due: 60 days before contract end}\n"
    )
    found = check(loads(text), select=["GAP014"])
    # b is surely earlier (an earlier milestone, a smaller offset); c and d may not be.
    assert [d.element for d in found] == ["b"]
