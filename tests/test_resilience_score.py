"""The resilience score and what-if on the go-to example and small workflows."""

from __future__ import annotations

from pathlib import Path

import pytest

from lifecycle.loader import load, loads
from lifecycle.resilience import WhatIfError, resilience, whatif, without

EXAMPLE = Path(__file__).resolve().parent.parent / "workflows" / "examples" / "go-to-escalation.yaml"

PAIR = """\
id: w
title: W
organizations:
  plan: {name: Plan, kind: payer}
  cbo: {name: CBO, kind: cbo}
people:
  jlee: {name: J, org: plan}
  mbell: {name: M, org: plan}
  mgonzalez: {name: G, org: cbo}
roles:
  plan-poc: {org: plan, title: POC, held_by: jlee}
  plan-lead: {org: plan, title: Lead, held_by: mbell}
  cbo-manager: {org: cbo, title: Manager, held_by: mgonzalez}
handoffs:
  h1: {from: plan-poc, to: cbo-manager}
phases:
  p:
    title: P
    tasks:
      a: {title: A, owner: plan-poc}
      b: {title: B, owner: plan-lead}
"""


def test_single_holders_make_the_score_drop_and_a_backup_restores_it():
    fragile = resilience(loads(PAIR).workflow)
    # jlee carries task a and the handoff: 2 of the 3 pieces of work.
    assert (fragile.overall.work, fragile.overall.covered, fragile.overall.after_worst) == (3, 3, 1)
    assert fragile.overall.score == 33 and fragile.overall.worst == "jlee"
    assert fragile.organizations["plan"].score == 33
    assert fragile.organizations["cbo"].score == 0  # losing mgonzalez loses its only handoff
    assert [loss.person for loss in fragile.losses] == ["jlee", "mbell", "mgonzalez"]  # ties by id
    sturdy = PAIR.replace("held_by: jlee}", "held_by: [jlee, mbell]}")
    assert resilience(loads(sturdy).workflow).organizations["plan"].score == 100 - 33


def test_empty_workflow_scores_100():
    score = resilience(loads("id: e\ntitle: E\norganizations: {o: {name: O, kind: cbo}}\n").workflow)
    assert score.overall.score == 100 and score.losses == []


def test_go_to_person_is_the_worst_loss_in_the_example():
    score = resilience(load(EXAMPLE).workflow)
    assert score.losses[0].person == "dmorgan"
    assert score.losses[0].by_kind == {"handoff": 1, "escalation": 1}


def test_whatif_without_the_go_to_person_reports_orphaned_duties_and_score_drop():
    result = whatif(load(EXAMPLE), ["person:dmorgan"])
    new = {(d.code, d.element) for d in result.new}
    assert ("GAP011", "dmorgan") in new
    assert ("SPF003", "jlee") in new  # now the only link between the plan and the CBO
    assert {d.code for d in result.resolved} == {"SPF002"}
    assert result.before.overall.score > result.after.overall.score


def test_whatif_vacant_role_keeps_its_backup():
    workflow = loads(PAIR.replace("held_by: jlee}", "held_by: jlee, backup: plan-lead}")).workflow
    changed = without(workflow, roles=["plan-poc"])
    assert changed.roles["plan-poc"].held_by == [] and changed.roles["plan-poc"].backup == "plan-lead"
    assert resilience(changed).overall.covered == 3


def test_whatif_rejects_unknown_targets_with_a_suggestion():
    document = load(EXAMPLE)
    with pytest.raises(WhatIfError, match="did you mean 'person:dmorgan'"):
        whatif(document, ["person:dmorgen"])
    with pytest.raises(WhatIfError, match="person:ID or role:ID"):
        whatif(document, ["team:x"])
