"""Gaps: work nobody owns, steps that lead nowhere, things needed before they exist.

The seed asks for "documented clarity among the parties before beginning
service delivery"; each rule here finds a place where that clarity is missing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import networkx as nx

from lifecycle import graph
from lifecycle.checks.facts import Facts
from lifecycle.checks.registry import Finding, rule
from lifecycle.diagnostics import Severity
from lifecycle.model import OrgKind, Ref
from lifecycle.references import iter_references
from lifecycle.words import count

__all__: list[str] = []


def _names(ids: list[str] | tuple[str, ...]) -> str:
    return ", ".join(repr(i) for i in ids)


@rule("GAP001", "task-without-owner", Severity.ERROR, hint="name exactly one accountable role: owner: <role>")
def task_without_owner(facts: Facts) -> Iterator[Finding]:
    """A task has no accountable owner."""
    for tid, task in facts.tasks.items():
        if not task.owner:
            yield Finding(facts.task_path(tid), f"task {tid!r} has no accountable owner", tid)


@rule(
    "GAP002",
    "task-with-several-owners",
    Severity.ERROR,
    hint="keep one owner; list the others as responsible or consulted",
)
def task_with_several_owners(facts: Facts) -> Iterator[Finding]:
    """A task has more than one accountable owner."""
    for tid, task in facts.tasks.items():
        if len(task.owner) > 1:
            yield Finding(
                (*facts.task_path(tid), "owner"),
                f"task {tid!r} has {len(task.owner)} accountable owners ({_names(task.owner)})",
                tid,
            )


@rule(
    "GAP003",
    "task-without-responsible",
    Severity.WARNING,
    hint="list the roles that do the work under responsible: (the owner may be one of them)",
)
def task_without_responsible(facts: Facts) -> Iterator[Finding]:
    """A task names no role that does the work."""
    for tid, task in facts.tasks.items():
        if not task.responsible:
            yield Finding(facts.task_path(tid), f"task {tid!r} names no responsible role", tid)


@rule(
    "GAP004",
    "misplaced-reference",
    Severity.ERROR,
    hint="point it at an element of the right organization",
)
def misplaced_reference(facts: Facts) -> Iterator[Finding]:
    """A reference resolves, but to the wrong organization or kind of organization."""
    workflow = facts.workflow
    orgs, roles, people = workflow.organizations, workflow.roles, workflow.people
    for oid, org in orgs.items():
        poc = org.point_of_contact
        if poc is not None and poc in roles and roles[poc].org != oid:
            yield Finding(
                ("organizations", oid, "point_of_contact"),
                f"organization {oid!r}: point of contact {poc!r} is a role of {roles[poc].org!r}",
                oid,
                "name a role of this organization",
            )
        hub = org.network
        if hub is not None and hub in orgs and (hub == oid or orgs[hub].kind is not OrgKind.CCH):
            what = "itself" if hub == oid else f"a {orgs[hub].kind}, not a cch"
            yield Finding(
                ("organizations", oid, "network"),
                f"organization {oid!r}: network hub {hub!r} is {what}",
                oid,
                "a network hub is a community care hub (kind: cch)",
            )
    for rid, role in roles.items():
        backup = role.backup
        if backup == rid:
            yield Finding(("roles", rid, "backup"), f"role {rid!r} is its own backup", rid)
        elif backup is not None and backup in roles and roles[backup].org != role.org:
            yield Finding(
                ("roles", rid, "backup"),
                f"role {rid!r} of {role.org!r} has backup {backup!r} from {roles[backup].org!r}",
                rid,
                "a backup role covers the seat inside the same organization",
            )
        for index, holder in enumerate(role.held_by):
            person = people.get(holder)
            if person is not None and person.org != role.org:
                yield Finding(
                    ("roles", rid, "held_by", index),
                    f"role {rid!r} of {role.org!r} is held by {holder!r}, who works for {person.org!r}",
                    rid,
                    "move the role to the person's organization, or fix the person's org",
                )


def _journeys(facts: Facts) -> Iterator[tuple[str, nx.DiGraph, set[str], set[str]]]:
    """Each journey's graph, the steps reachable from its start and the nodes
    that can reach an exit."""
    for jid, journey in facts.workflow.journeys.items():
        steps = graph.journey_graph(journey)
        reached = set(nx.descendants(steps, journey.start)) | {journey.start}
        ending: set[str] = set(journey.exits)
        for xid in journey.exits:
            ending.update(nx.ancestors(steps, xid))
        yield jid, steps, reached, ending


@rule(
    "GAP005",
    "unreachable-step",
    Severity.ERROR,
    hint="lead an earlier step to it with next:, or remove it",
)
def unreachable_step(facts: Facts) -> Iterator[Finding]:
    """A journey step cannot be reached from the journey's start."""
    for jid, journey in facts.workflow.journeys.items():
        steps = graph.journey_graph(journey)
        reached = set(nx.descendants(steps, journey.start)) | {journey.start}
        for sid in journey.steps:
            if sid not in reached:
                yield Finding(
                    ("journeys", jid, "steps", sid),
                    f"step {sid!r} of journey {jid!r} cannot be reached from its start {journey.start!r}",
                    sid,
                )


def _trapped_loops(steps: nx.DiGraph, stuck: set[str]) -> list[list[str]]:
    loops = []
    for component in nx.strongly_connected_components(steps.subgraph(stuck)):
        members = sorted(component)
        if len(members) > 1 or steps.has_edge(members[0], members[0]):
            loops.append(members)
    return loops


@rule(
    "GAP006",
    "step-without-end",
    Severity.ERROR,
    hint="give the step a next: that leads to an exit (completed, declined, unreachable, ineligible)",
)
def step_without_end(facts: Facts) -> Iterator[Finding]:
    """A journey step has no path to any exit."""
    for jid, steps, reached, ending in _journeys(facts):
        journey = facts.workflow.journeys[jid]
        if not journey.exits:
            yield Finding(
                ("journeys", jid),
                f"journey {jid!r} has no exits, so no member's journey can end",
                jid,
                "add exits (completed, declined, unreachable, ineligible) and lead the last steps to them",
            )
            continue
        stuck = {s for s in journey.steps if s in reached and s not in ending}
        looped = {s for loop in _trapped_loops(steps, stuck) for s in loop}
        for sid in journey.steps:
            if sid in stuck and sid not in looped:
                yield Finding(
                    ("journeys", jid, "steps", sid),
                    f"step {sid!r} of journey {jid!r} has no path to any exit",
                    sid,
                )


@rule("GAP007", "loop-without-exit", Severity.ERROR, hint="let one step of the loop lead to an exit")
def loop_without_exit(facts: Facts) -> Iterator[Finding]:
    """Journey steps or tasks lead only to each other in a loop."""
    for jid, steps, reached, ending in _journeys(facts):
        stuck = {s for s in facts.workflow.journeys[jid].steps if s in reached and s not in ending}
        for loop in _trapped_loops(steps, stuck):
            first = next(s for s in facts.workflow.journeys[jid].steps if s in loop)
            yield Finding(
                ("journeys", jid, "steps", first, "next"),
                f"journey {jid!r}: steps {_names(loop)} lead only to each other; no exit follows them",
                first,
            )
    order = facts.task_graph
    for component in nx.strongly_connected_components(order):
        if len(component) == 1 and not any(order.has_edge(t, t) for t in component):
            continue
        members = [t for t in facts.tasks if t in component]
        yield Finding(
            (*facts.task_path(members[0]), "after"),
            f"tasks {_names(members)} wait for each other, so none of them can start",
            members[0],
            "remove one 'after' to break the loop",
        )


def _comes_before(facts: Facts, producer: str, task: str) -> bool:
    rank = facts.phase_rank
    here, there = rank[facts.phase_of[task]], rank[facts.phase_of[producer]]
    if there != here:
        return there < here
    return producer != task and nx.has_path(facts.task_graph, producer, task)


@rule(
    "GAP008",
    "artifact-needed-before-produced",
    Severity.WARNING,
    hint="add a task that produces the artifact earlier, or order the producer first",
)
def artifact_needed_before_produced(facts: Facts) -> Iterator[Finding]:
    """A task needs an artifact that nothing produces before it."""
    for tid, task in facts.tasks.items():
        for index, artifact in enumerate(task.needs):
            makers = facts.producers.get(artifact, [])
            path = (*facts.task_path(tid), "needs", index)
            if not makers:
                yield Finding(path, f"task {tid!r} needs artifact {artifact!r}, which no task produces", tid)
            elif not any(_comes_before(facts, maker, tid) for maker in makers):
                yield Finding(
                    path,
                    f"task {tid!r} needs artifact {artifact!r}, but it is produced only by "
                    f"{_names(makers)}, which do not come before it",
                    tid,
                    "make the task come after its producer (after:), or move it to a later phase",
                )


@rule(
    "GAP009",
    "organization-without-point-of-contact",
    Severity.WARNING,
    hint="set point_of_contact: <role> on the organization",
)
def organization_without_point_of_contact(facts: Facts) -> Iterator[Finding]:
    """An organization has no designated point of contact."""
    for oid, org in facts.workflow.organizations.items():
        if org.point_of_contact is None:
            yield Finding(
                ("organizations", oid), f"organization {oid!r} has no designated point of contact", oid
            )


@rule(
    "GAP010",
    "phase-without-exit-gate",
    Severity.WARNING,
    hint="add an exit_gate: with the criteria that must be met to leave the phase",
)
def phase_without_exit_gate(facts: Facts) -> Iterator[Finding]:
    """A phase has no exit gate."""
    for pid, phase in facts.workflow.phases.items():
        if phase.exit_gate is None:
            yield Finding(("phases", pid), f"phase {pid!r} has no exit gate", pid)


def _gives_work(ref: Ref) -> bool:
    return ref.duty is not None


def _assignments(facts: Facts) -> Iterator[tuple[str, tuple[object, ...], str]]:
    """(actor, path, what) for every piece of work assigned to a role or person:
    each reference whose field declares a duty (see :class:`~lifecycle.model.Ref`)."""
    for reference in iter_references(facts.workflow, _gives_work):
        duty = reference.duty()
        if duty is not None:
            yield reference.target, reference.path, duty


@rule(
    "GAP011",
    "work-without-anyone",
    Severity.WARNING,
    hint="name who holds the role (held_by), or give it a backup role that someone holds",
)
def work_without_anyone(facts: Facts) -> Iterator[Finding]:
    """Work is assigned to a role nobody holds (nor its backup), or to a person who left."""
    duties: dict[str, list[tuple[tuple[object, ...], str]]] = defaultdict(list)
    for actor, path, what in _assignments(facts):
        if not facts.carriers(actor):
            duties[actor].append((path, what))
    for actor, assigned in duties.items():
        path, what = assigned[0]
        extra = len(assigned) - 1
        more = f" and has {count(extra, 'more duty')}" if extra else ""
        noun = "role" if actor in facts.workflow.roles else "person"
        if noun == "role":
            why = "nobody holds it or its backup"
            hint = "name who holds the role (held_by), or give it a backup role that someone holds"
        else:
            why = "they are no longer in the workflow"
            hint = "give the duty to a role, so a successor inherits it"
        yield Finding(path, f"{noun} {actor!r} {what}{more}, but {why}", actor, hint)
