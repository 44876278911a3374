"""The shared state machines: one definition per kind, many tracked instances."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecycle.loader import loads
from lifecycle.machine import (
    TASK_STATES,
    Tracked,
    TransitionRefused,
    escalation_machine,
    journey_machine,
    lifecycle_machine,
    machines_for,
    task_machine,
)

WORKFLOW = """\
id: tiny
title: Tiny
organizations:
  plan: {name: Plan, kind: payer}
people:
  jlee: {name: Jo Lee, org: plan}
roles:
  poc: {org: plan, title: Point of contact, held_by: [jlee]}
  lead: {org: plan, title: Lead, held_by: [jlee]}
phases:
  one: {title: One, tasks: {a: {title: A, owner: poc}}}
  two: {title: Two, tasks: {b: {title: B, owner: poc, after: a}}}
journeys:
  member:
    title: Member
    start: find
    steps:
      find: {title: Find, stage: identification, owner: poc, next: [serve, declined]}
      serve: {title: Serve, stage: service-provision, owner: poc, next: [done]}
    exits:
      declined: {title: Declined, kind: declined}
      done: {title: Done, kind: completed}
escalations:
  up: {title: Up, trigger: stuck, levels: [poc, lead]}
"""


def workflow():
    return loads(WORKFLOW).workflow


def test_one_machine_serves_many_instances():
    shared = task_machine()
    models = [shared.attach(Tracked(f"t{i}", "todo")) for i in range(100)]
    for model in models[::2]:
        shared.fire(model, "start")
    assert [m.state for m in models[:4]] == ["in-progress", "todo", "in-progress", "todo"]
    assert len(shared.machine.models) == 100
    for model in models:
        shared.detach(model)
    assert shared.machine.models == []


def test_machines_are_cached_per_workflow_version():
    first = machines_for(workflow(), "hash-1")
    assert machines_for(workflow(), "hash-1") is first
    assert machines_for(workflow(), "hash-2").task is first.task


def test_start_is_refused_with_the_guards_reasons():
    shared = task_machine()
    model = shared.attach(Tracked("task 'b'", "todo", lambda trigger, dest: ["predecessor 'a' is todo"]))
    with pytest.raises(TransitionRefused) as refused:
        shared.fire(model, "start")
    assert str(refused.value) == "task 'b': cannot start\n  - predecessor 'a' is todo"
    assert model.state == "todo"


def test_a_transition_from_the_wrong_state_says_what_is_allowed():
    shared = task_machine()
    model = shared.attach(Tracked("task 'a'", "todo"))
    with pytest.raises(
        TransitionRefused, match=r"cannot done from task state 'todo' \(allowed: block, start, waive\)"
    ):
        shared.fire(model, "done")
    with pytest.raises(TransitionRefused, match="unknown task action 'finish'"):
        shared.fire(model, "finish")


def test_lifecycle_advances_through_phases_to_completed_when_gates_allow():
    shared = lifecycle_machine(workflow())
    gate_open = {"one": False}
    model = shared.attach(Tracked("p", "one", lambda t, d: [] if gate_open["one"] else ["gate one unmet"]))
    with pytest.raises(TransitionRefused, match="gate one unmet"):
        shared.fire(model, "advance")
    gate_open["one"] = True
    assert shared.fire(model, "advance") == "two"
    assert shared.fire(model, "advance") == "completed"
    with pytest.raises(TransitionRefused, match="allowed: none"):
        shared.fire(model, "advance")


def test_journey_follows_next_links_and_exits_are_final():
    shared = journey_machine(workflow().journeys["member"])
    model = shared.attach(Tracked("member K1", "find"))
    with pytest.raises(TransitionRefused, match=r"allowed: move declined, move serve"):
        shared.fire(model, "move:done")
    assert shared.fire(model, "move:serve") == "serve"
    assert shared.fire(model, "move:done") == "done"
    assert shared.triggers_from("done") == []


def test_escalation_climbs_levels_then_resolves():
    shared = escalation_machine(workflow().escalations["up"])
    model = shared.attach(Tracked("escalation #1", "level-1"))
    assert shared.fire(model, "escalate") == "level-2"
    with pytest.raises(TransitionRefused, match="cannot escalate from escalation state 'level-2'"):
        shared.fire(model, "escalate")
    assert shared.fire(model, "resolve") == "resolved"


def test_unknown_state_is_refused_on_attach():
    with pytest.raises(TransitionRefused, match="unknown task state 'finished'"):
        task_machine().attach(Tracked("task 'a'", "finished"))


ACTIONS = ("start", "done", "block", "waive")
ALLOWED = {
    "start": {"todo", "blocked"},
    "done": {"in-progress"},
    "block": {"todo", "in-progress"},
    "waive": {"todo", "in-progress", "blocked"},
}
LEADS_TO = {"start": "in-progress", "done": "done", "block": "blocked", "waive": "waived"}


@given(st.lists(st.sampled_from(ACTIONS), max_size=12))
def test_task_machine_allows_exactly_the_documented_moves(actions: list[str]) -> None:
    assert {"todo", *LEADS_TO.values()} == set(TASK_STATES)  # every state is reached by some move
    shared = task_machine()
    model = shared.attach(Tracked("t", "todo"))
    for action in actions:
        before = model.state
        if before in ALLOWED[action]:
            assert shared.fire(model, action) == LEADS_TO[action]
            assert model.state == LEADS_TO[action]
        else:
            with pytest.raises(TransitionRefused):
                shared.fire(model, action)
            assert model.state == before
    shared.detach(model)
