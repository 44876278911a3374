"""Escalation pathways: that there is one, that it reaches the health plan's
designated representative in time, and that it runs through roles, not people.

The seed: "Escalation pathways catalyze problem-solving by allowing CBO staff to
contact a designated health plan representative who can assist with expediting
solutions", and "Escalation pathways should be formalized early in the
relationship, and safeguards should be implemented to account for staff
turnover."
"""

from __future__ import annotations

from collections.abc import Iterator

from lifecycle.checks.facts import Facts
from lifecycle.checks.registry import Finding, rule
from lifecycle.diagnostics import Severity
from lifecycle.model import OrgKind, PhaseKind

__all__: list[str] = []

_COMMUNITY = frozenset({OrgKind.CBO, OrgKind.CCH})
_PARTNERSHIP_PHASES = frozenset(
    {PhaseKind.SCOPING, PhaseKind.PRE_LAUNCH, PhaseKind.IMPLEMENTATION, PhaseKind.RENEWAL}
)


@rule(
    "SPF007",
    "no-escalation-path",
    Severity.WARNING,
    hint="add an escalation path from the CBO's staff to the plan's designated representative",
)
def no_escalation_path(facts: Facts) -> Iterator[Finding]:
    """A partnership of a health plan and a CBO or hub has no escalation path."""
    workflow = facts.workflow
    kinds = {org.kind for org in workflow.organizations.values()}
    # Only a file that maps the partnership's own lifecycle or a member journey needs
    # the path; a file that lists the parties, or a workgroup's workplan, does not.
    maps_partnership = workflow.journeys or any(
        p.kind in _PARTNERSHIP_PHASES for p in workflow.phases.values()
    )
    if OrgKind.PAYER in kinds and kinds & _COMMUNITY and maps_partnership and not workflow.escalations:
        yield Finding(
            ("escalations",),
            "the partnership has no escalation path for CBO staff to reach the health plan",
        )


@rule(
    "SPF008",
    "escalation-misses-plan",
    Severity.WARNING,
    hint="add the plan's designated representative (a role of the payer) as a level",
)
def escalation_misses_plan(facts: Facts) -> Iterator[Finding]:
    """A CBO's or hub's escalation path never reaches a role of the health plan."""
    orgs = facts.workflow.organizations
    payers = {oid for oid, org in orgs.items() if org.kind is OrgKind.PAYER}
    if not payers:
        return
    for eid, path in facts.workflow.escalations.items():
        if not path.levels:
            continue
        start = facts.org_of(path.levels[0])
        if start is None or orgs[start].kind not in _COMMUNITY:
            continue
        if not any(facts.org_of(level) in payers for level in path.levels):
            yield Finding(
                ("escalations", eid, "levels"),
                f"escalation path {eid!r} starts at {start!r} but never reaches the health plan "
                f"({', '.join(repr(p) for p in sorted(payers))})",
                eid,
            )


@rule(
    "SPF009",
    "escalation-without-response-time",
    Severity.WARNING,
    hint="set response_time:, e.g. '2 business days' or '24 hours'",
)
def escalation_without_response_time(facts: Facts) -> Iterator[Finding]:
    """An escalation path does not say how soon each level must respond."""
    for eid, path in facts.workflow.escalations.items():
        if path.response_time is None:
            yield Finding(("escalations", eid), f"escalation path {eid!r} has no response time", eid)


@rule(
    "SPF010",
    "escalation-without-levels",
    Severity.ERROR,
    hint="list the roles to escalate to, lowest first",
)
def escalation_without_levels(facts: Facts) -> Iterator[Finding]:
    """An escalation path has no levels."""
    for eid, path in facts.workflow.escalations.items():
        if not path.levels:
            yield Finding(
                ("escalations", eid, "levels"), f"escalation path {eid!r} has no levels: levels: []", eid
            )


@rule(
    "SPF011",
    "person-named-as-role",
    Severity.WARNING,
    hint="name the role the person holds, so a successor inherits the duty",
)
def person_named_as_role(facts: Facts) -> Iterator[Finding]:
    """A person, not a role, is an escalation level, owns a journey step or makes a journey's move."""
    people = facts.workflow.people

    def named(actor: str) -> bool:
        # An unofficial go-to person is SPF002's finding, an error.
        return actor in people and people[actor].official

    for eid, path in facts.workflow.escalations.items():
        for index, actor in enumerate(path.levels):
            if named(actor):
                yield Finding(
                    ("escalations", eid, "levels", index),
                    f"escalation path {eid!r} names the person {actor!r} as level {index + 1}, not a role",
                    actor,
                )
    for jid, journey in facts.workflow.journeys.items():
        for sid, step in journey.steps.items():
            if named(step.owner):
                yield Finding(
                    ("journeys", jid, "steps", sid, "owner"),
                    f"step {sid!r} of journey {jid!r} is owned by the person {step.owner!r}, not a role",
                    step.owner,
                )
        for where, actor in journey.named_movers_at():
            if named(actor):
                yield Finding(
                    ("journeys", jid, *where),
                    f"journey {jid!r}: the move from {where[1]!r} to {where[3]!r} is made by the person "
                    f"{actor!r}, not a role",
                    actor,
                )
