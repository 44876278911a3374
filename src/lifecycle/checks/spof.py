"""Single points of failure: the partnership stops when one person leaves.

The seed: "Escalation pathways should be formalized early in the relationship,
and safeguards should be implemented to account for staff turnover."
"""

from __future__ import annotations

from collections.abc import Iterator

from lifecycle.checks.facts import Facts
from lifecycle.checks.registry import Finding, rule
from lifecycle.diagnostics import Severity
from lifecycle.graph import cut_points

__all__ = ["critical_roles"]


def critical_roles(facts: Facts) -> dict[str, str]:
    """The roles the partnership cannot run without, each with the first reason:
    an organization's point of contact, a level of an escalation path, an end of
    a handoff between organizations, the owner of a member's journey step, or a
    sign-off role or task owner a gate depends on."""
    workflow = facts.workflow
    roles = workflow.roles
    found: dict[str, str] = {}

    def mark(actor: str, why: str) -> None:
        if actor in roles:
            found.setdefault(actor, why)

    for oid, org in workflow.organizations.items():
        if org.point_of_contact is not None:
            mark(org.point_of_contact, f"point of contact of {oid!r}")
    for eid, path in workflow.escalations.items():
        for actor in path.levels:
            mark(actor, f"a level of escalation path {eid!r}")
    for hid, handoff in workflow.handoffs.items():
        if facts.crosses(handoff.from_, handoff.to):
            mark(handoff.from_, f"an end of cross-organization handoff {hid!r}")
            mark(handoff.to, f"an end of cross-organization handoff {hid!r}")
    for jid, journey in workflow.journeys.items():
        for step in journey.steps.values():
            mark(step.owner, f"owner of a step of journey {jid!r}")
    for pid, phase in workflow.phases.items():
        if phase.exit_gate is None:
            continue
        for criterion in phase.exit_gate.criteria.values():
            for role in criterion.signoff:
                mark(role, f"a sign-off of the exit gate of {pid!r}")
            for tid in criterion.tasks:
                task = facts.tasks.get(tid)
                for role in task.owner if task is not None else ():
                    mark(role, f"owner of gate task {tid!r}")
    return found


@rule(
    "SPF001",
    "single-holder-critical-role",
    Severity.WARNING,
    hint="name a second holder, or a backup: role that someone else holds",
)
def single_holder_critical_role(facts: Facts) -> Iterator[Finding]:
    """A role the partnership depends on is held by one person, with no backup."""
    for rid, why in critical_roles(facts).items():
        if rid in facts.replaced_roles:
            continue
        holders = facts.carriers(rid)
        if len(holders) == 1:
            (person,) = holders
            yield Finding(
                ("roles", rid),
                f"role {rid!r} ({why}) rests on one person, {person!r}, with no backup",
                rid,
            )


@rule(
    "SPF002",
    "unofficial-dependency",
    Severity.ERROR,
    hint="give the person's part to a designated role (with a backup) and escalate to the role",
)
def unofficial_dependency(facts: Facts) -> Iterator[Finding]:
    """An escalation, cross-organization handoff, journey step or move needs an unofficial go-to person."""
    workflow = facts.workflow
    for eid, path in workflow.escalations.items():
        for index, actor in enumerate(path.levels):
            if facts.is_unofficial(actor):
                yield Finding(
                    ("escalations", eid, "levels", index),
                    f"escalation path {eid!r} depends on {actor!r}, an unofficial go-to person "
                    f"(level {index + 1})",
                    eid,
                )
    for hid, handoff in workflow.handoffs.items():
        if not facts.crosses(handoff.from_, handoff.to):
            continue
        for end, actor in (("from", handoff.from_), ("to", handoff.to)):
            if facts.is_unofficial(actor):
                yield Finding(
                    ("handoffs", hid, end),
                    f"cross-organization handoff {hid!r} depends on {actor!r}, an unofficial go-to person",
                    hid,
                )
    for jid, journey in workflow.journeys.items():
        for sid, step in journey.steps.items():
            if facts.is_unofficial(step.owner):
                yield Finding(
                    ("journeys", jid, "steps", sid, "owner"),
                    f"step {sid!r} of journey {jid!r} is owned by {step.owner!r}, an unofficial go-to person",
                    sid,
                )
        for where, actor in journey.named_movers_at():
            if facts.is_unofficial(actor):
                yield Finding(
                    ("journeys", jid, *where),
                    f"journey {jid!r}: the move from {where[1]!r} to {where[3]!r} is made by {actor!r}, "
                    "an unofficial go-to person",
                    where[1],
                )


@rule(
    "SPF003",
    "organization-cut-point",
    Severity.WARNING,
    hint="add a backup role, or a second route between the organizations",
)
def organization_cut_point(facts: Facts) -> Iterator[Finding]:
    """One person or role is the only link between two organizations."""
    workflow = facts.workflow
    orgs = [("org", oid) for oid in workflow.organizations]
    for node, (one, other) in cut_points(facts.people_graph, orgs).items():
        assert isinstance(node, tuple)
        kind, name = node
        if kind == "role" and name in facts.replaced_roles:
            continue
        if (
            kind == "person"
            and set(facts.seats.get(name, ())) <= facts.replaced_roles
            and facts.seats.get(name)
        ):
            continue
        if kind == "person":
            path: tuple[object, ...] = ("people", name)
            subject, hint = f"person {name!r}", "give each of their roles a backup role held by someone else"
        elif kind == "role":
            path, subject = ("roles", name), f"role {name!r}"
            hint = "give the role a backup role, or add a second route between the organizations"
        else:
            continue
        assert isinstance(one, tuple) and isinstance(other, tuple)
        yield Finding(
            path,
            f"{subject} is the only link between organizations {one[1]!r} and {other[1]!r}",
            name,
            hint,
        )


@rule(
    "SPF004",
    "escalation-without-decision-maker",
    Severity.WARNING,
    hint="end the path at a role with decision_authority: true",
)
def escalation_without_decision_maker(facts: Facts) -> Iterator[Finding]:
    """An escalation path's last level holds no decision authority."""
    for eid, path in facts.workflow.escalations.items():
        last = path.levels[-1] if path.levels else None
        if last is not None and not facts.decides(last):
            yield Finding(
                ("escalations", eid, "levels", len(path.levels) - 1),
                f"escalation path {eid!r} ends at {last!r}, who holds no decision authority",
                eid,
            )


@rule(
    "SPF005",
    "shallow-escalation",
    Severity.WARNING,
    hint="add a higher level to escalate to when the first cannot resolve it",
)
def shallow_escalation(facts: Facts) -> Iterator[Finding]:
    """An escalation path has only one level."""
    for eid, path in facts.workflow.escalations.items():
        if len(path.levels) == 1:
            yield Finding(
                ("escalations", eid, "levels"),
                f"escalation path {eid!r} has one level ({path.levels[0]!r}): nothing to escalate to",
                eid,
            )


@rule(
    "SPF006",
    "too-many-seats",
    Severity.WARNING,
    hint="spread the roles over more people, or give them backups",
)
def too_many_seats(facts: Facts) -> Iterator[Finding]:
    """One person holds more roles than the threshold (--max-seats, default 4)."""
    limit = facts.settings.max_seats
    for pid, seats in facts.seats.items():
        if len(seats) > limit and pid in facts.workflow.people:
            yield Finding(
                ("people", pid),
                f"person {pid!r} holds {len(seats)} roles (more than {limit}): "
                + ", ".join(repr(s) for s in seats),
                pid,
            )
