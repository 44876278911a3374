"""Governance bodies: workgroups and committees, their seats, composition
rules, decision rules and replacement rules, and workplan phases that overlap.

The charter: "The workgroup shall be led by three co-chairs, at least one of
whom should serve on the Planning Committee, and consist of up to 15 voting
members"; "Where consensus does not exist, issues will be put up for a vote.
At least seventy-five percent of the voting members are required for approval."
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from lifecycle.checks.facts import Facts
from lifecycle.checks.registry import Finding, rule
from lifecycle.diagnostics import Severity
from lifecycle.model import Body, Seat, SeatKind, SeatRule, parse_due
from lifecycle.words import count

__all__: list[str] = []

_PER_MONTH = {"weekly": 4, "biweekly": 2, "monthly": 1, "quarterly": 1, "annually": 1}
"""Meetings a month each cadence may bring (biweekly read as twice a month)."""


def _seat_org(facts: Facts, seat: Seat) -> str | None:
    if seat.org is not None:
        return seat.org
    person = facts.workflow.people.get(seat.person) if seat.person else None
    return person.org if person is not None else None


def _sits_on(body: Body, person: str | None) -> bool:
    return person is not None and any(seat.person == person for seat in body.seats.values())


def _counted(facts: Facts, body: Body, rule: SeatRule) -> int:
    orgs = facts.workflow.organizations
    bodies = facts.workflow.bodies
    found = 0
    for seat in body.seats.values():
        if seat.kind not in rule.seats:
            continue
        org = _seat_org(facts, seat)
        if rule.from_kinds and (org is None or org not in orgs or orgs[org].kind not in rule.from_kinds):
            continue
        if rule.also_on is not None and not (
            rule.also_on in bodies and _sits_on(bodies[rule.also_on], seat.person)
        ):
            continue
        found += 1
    return found


def _describe(rule: SeatRule, found: int) -> str:
    kinds = " or ".join(k.value for k in rule.seats)
    parts = [count(found, f"{kinds} seat")]
    if rule.from_kinds:
        parts.append("representing a " + " or ".join(k.value for k in rule.from_kinds))
    if rule.also_on:
        parts.append(f"whose holder also sits on {rule.also_on!r}")
    return " ".join(parts)


@rule(
    "GAP019",
    "body-composition-broken",
    Severity.ERROR,
    hint="add or remove seats, or correct the rule to the charter's words",
)
def body_composition_broken(facts: Facts) -> Iterator[Finding]:
    """A governance body's seats break one of its composition rules."""
    for bid, body in facts.workflow.bodies.items():
        for index, seat_rule in enumerate(body.composition):
            found = _counted(facts, body, seat_rule)
            if seat_rule.min is not None and found < seat_rule.min:
                bound = f"at least {seat_rule.min}"
            elif seat_rule.max is not None and found > seat_rule.max:
                bound = f"at most {seat_rule.max}"
            else:
                continue
            yield Finding(
                ("bodies", bid, "composition", index),
                f"body {bid!r} has {_describe(seat_rule, found)}; its rule asks for {bound}",
                bid,
            )


@rule(
    "SPF012",
    "body-without-replacement",
    Severity.WARNING,
    hint="add replacement: (who proposes the replacement, and who selects one otherwise)",
)
def body_without_replacement(facts: Facts) -> Iterator[Finding]:
    """A governance body has no rule for filling a seat whose holder leaves."""
    for bid, body in facts.workflow.bodies.items():
        voting = [s for s in body.seats.values() if s.kind is not SeatKind.NON_VOTING]
        if voting and body.replacement is None:
            yield Finding(
                ("bodies", bid),
                f"body {bid!r} has {count(len(voting), 'voting seat')} and no replacement rule",
                bid,
            )


@rule(
    "GATE007",
    "decision-without-rule",
    Severity.ERROR,
    hint="give the body a decision: rule (consensus, else vote_share of the voting members)",
)
def decision_without_rule(facts: Facts) -> Iterator[Finding]:
    """A gate criterion is decided by a body that has no rule to decide by."""
    bodies = facts.workflow.bodies
    for pid, phase in facts.workflow.phases.items():
        if phase.exit_gate is None:
            continue
        for cid, criterion in phase.exit_gate.criteria.items():
            body = bodies.get(criterion.decided_by) if criterion.decided_by else None
            if body is None:
                continue
            decision = body.decision
            if decision is None:
                why = "has no decision rule"
            elif decision.vote_share is None:
                why = "does not say what share of its voting members carries a vote"
            elif not any(s.kind is not SeatKind.NON_VOTING for s in body.seats.values()):
                why = "has no voting seats"
            else:
                continue
            yield Finding(
                ("phases", pid, "exit_gate", "criteria", cid, "decided_by"),
                f"criterion {cid!r} of the exit gate of {pid!r} is decided by {criterion.decided_by!r}, "
                f"which {why}",
                cid,
            )


@rule(
    "DATA016",
    "meeting-beyond-limit",
    Severity.WARNING,
    hint="lower the cadence, or correct max_per_month: to the source",
)
def meeting_beyond_limit(facts: Facts) -> Iterator[Finding]:
    """A meeting's cadence brings more meetings a month than its limit allows."""
    for mid, meeting in facts.workflow.meetings.items():
        limit, cadence = meeting.max_per_month, meeting.cadence
        if limit is not None and cadence in _PER_MONTH and _PER_MONTH[cadence] > limit:
            yield Finding(
                ("meetings", mid, "cadence"),
                f"meeting {mid!r} meets {cadence}, more than its limit of {limit} a month",
                mid,
            )


@rule(
    "GAP020",
    "phases-overlap-undeclared",
    Severity.WARNING,
    hint="list the later phase under overlaps: on the earlier one, or correct the dates",
)
def phases_overlap_undeclared(facts: Facts) -> Iterator[Finding]:
    """Two phases' dates overlap, and the earlier does not say they may."""
    phases = list(facts.workflow.phases.items())
    for index, (pid, phase) in enumerate(phases):
        ends = _date(phase.ends) if phase.ends else None
        if ends is None:
            continue
        for later_id, later in phases[index + 1 :]:
            starts = _date(later.starts) if later.starts else None
            if starts is not None and starts < ends and later_id not in phase.overlaps:
                yield Finding(
                    ("phases", later_id, "starts"),
                    f"phase {later_id!r} starts {starts} before {pid!r} ends ({ends}), and {pid!r} "
                    "does not list it under overlaps:",
                    later_id,
                )


def _date(text: str) -> dt.date | None:
    return parse_due(text).on


@rule(
    "GAP021",
    "subcommittee-without-reporting",
    Severity.WARNING,
    hint="set reports_to: <body> and report_cadence: on the body",
)
def subcommittee_without_reporting(facts: Facts) -> Iterator[Finding]:
    """A subcommittee does not say whom it reports to, or how often."""
    for bid, body in facts.workflow.bodies.items():
        if body.part_of is not None and (body.reports_to is None or body.report_cadence is None):
            yield Finding(
                ("bodies", bid),
                f"body {bid!r} is part of {body.part_of!r} but does not say whom it reports to and how often",
                bid,
            )
