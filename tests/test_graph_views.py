"""The graph views: nodes, edges and cut points, including empty workflows."""

from __future__ import annotations

import networkx as nx

from lifecycle.graph import cut_points, journey_graph, people_graph, role_graph, task_graph
from lifecycle.loader import loads
from lifecycle.model import Workflow

# A workflow file must name an organization; the graph views still handle none.
EMPTY = Workflow.model_construct(id="e", title="E", organizations={})

PAIR = """\
id: w
title: W
organizations:
  plan: {name: Plan, kind: payer}
  cbo: {name: CBO, kind: cbo}
people:
  jlee: {name: J, org: plan}
  dmorgan: {name: D, org: plan, official: false}
  mgonzalez: {name: M, org: cbo}
roles:
  plan-poc: {org: plan, title: POC, held_by: jlee}
  cbo-manager: {org: cbo, title: Manager, held_by: mgonzalez}
handoffs:
  h1: {from: plan-poc, to: cbo-manager}
escalations:
  e1: {title: E, trigger: T, levels: [cbo-manager, dmorgan]}
phases:
  p:
    title: P
    tasks:
      a: {title: A}
      b: {title: B, after: a}
journeys:
  j:
    title: J
    start: s1
    steps:
      s1: {title: S1, stage: identification, owner: plan-poc, next: [s2, done]}
      s2: {title: S2, stage: engagement, owner: cbo-manager}
    exits:
      done: {title: Done, kind: completed}
"""


def test_empty_workflow_gives_empty_graphs():
    workflow = EMPTY
    assert task_graph(workflow).number_of_nodes() == 0
    assert role_graph(workflow).number_of_nodes() == 0
    assert people_graph(workflow).number_of_nodes() == 0
    assert cut_points(nx.Graph(), []) == {}


def test_task_and_journey_graphs():
    workflow = loads(PAIR).workflow
    tasks = task_graph(workflow)
    assert list(tasks.edges) == [("a", "b")] and tasks.nodes["a"]["phase"] == "p"
    steps = journey_graph(workflow.journeys["j"])
    assert set(steps.edges) == {("s1", "s2"), ("s1", "done")}
    assert steps.nodes["done"]["kind"] == "exit"


def test_role_graph_has_handoffs_escalations_and_direct_people():
    graph = role_graph(loads(PAIR).workflow)
    kinds = sorted((u, v, d["kind"]) for u, v, d in graph.edges(data=True))
    assert kinds == [("cbo-manager", "dmorgan", "escalation"), ("plan-poc", "cbo-manager", "handoff")]
    assert graph.nodes["dmorgan"] == {"kind": "person", "org": "plan"}
    assert graph.nodes["plan-poc"]["org"] == "plan"


def test_people_graph_links_orgs_through_people_and_seats():
    graph = people_graph(loads(PAIR).workflow)
    assert nx.has_path(graph, ("org", "plan"), ("org", "cbo"))
    cuts = cut_points(graph, [("org", "plan"), ("org", "cbo")])
    # mgonzalez and her seat are on both routes to the plan; jlee is not.
    assert ("person", "mgonzalez") in cuts and ("role", "cbo-manager") in cuts
    assert ("person", "jlee") not in cuts


def test_cut_points_separate_terminals_only():
    graph = nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("b", "e")])
    assert cut_points(graph, ["a", "d"]) == {"b": ("a", "d"), "c": ("a", "d")}
    # e hangs off b, but no terminal is beyond it.
    assert cut_points(graph, ["a", "e"]) == {"b": ("a", "e")}
    cycle = nx.cycle_graph(["a", "b", "c", "d"])
    assert cut_points(cycle, ["a", "c"]) == {}
