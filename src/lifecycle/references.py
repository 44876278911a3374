"""Cross-reference checks: every id a workflow names must be defined.

A role that no one defined or a predecessor task that does not exist makes the
workflow meaningless, so these are load errors (``E3xx``), reported at the place
of the reference with a did-you-mean, not check findings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lifecycle.model import Workflow
from lifecycle.words import did_you_mean

__all__ = ["ReferenceProblem", "check_references"]


@dataclass(frozen=True)
class ReferenceProblem:
    """A reference to nothing (or an id defined twice), at a path in the file."""

    path: tuple[Any, ...]
    code: str
    message: str
    hint: str | None = None
    element: str | None = None
    at_key: bool = False
    """Point at the key of ``path`` (for ids defined twice) rather than its value."""


class _Resolver:
    def __init__(self, workflow: Workflow) -> None:
        self.problems: list[ReferenceProblem] = []
        tasks: dict[str, tuple[str, ...]] = {}  # task id -> its path
        for pid, phase in workflow.phases.items():
            for tid in phase.tasks:
                if tid in tasks:
                    self.problems.append(
                        ReferenceProblem(
                            ("phases", pid, "tasks", tid),
                            "E302",
                            f"task id {tid!r} is used again in phase {pid!r}",
                            "task ids are unique across the workflow; it is first defined in phase "
                            f"{tasks[tid][1]!r}",
                            tid,
                            at_key=True,
                        )
                    )
                else:
                    tasks[tid] = ("phases", pid, "tasks", tid)
        self.kinds: dict[str, Mapping[str, Any]] = {
            "organization": workflow.organizations,
            "person": workflow.people,
            "role": workflow.roles,
            "artifact": workflow.artifacts,
            "task": tasks,
            "handoff": workflow.handoffs,
            "phase": workflow.phases,
            "body": workflow.bodies,
        }
        for pid in workflow.people:
            if pid in workflow.roles:
                self.problems.append(
                    ReferenceProblem(
                        ("people", pid),
                        "E302",
                        f"id {pid!r} names both a person and a role",
                        "give the person and the role different ids",
                        pid,
                        at_key=True,
                    )
                )

    def expect(
        self,
        path: tuple[Any, ...],
        values: str | Iterable[str] | None,
        kinds: tuple[str, ...],
        what: str,
        *,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        """Report each value at ``path`` that is not an id of one of ``kinds``."""
        if values is None:
            return
        single = isinstance(values, str)
        items: Iterable[str] = [values] if isinstance(values, str) else values
        for index, value in enumerate(items):
            if extra is not None and value in extra:
                continue
            if any(value in self.kinds[kind] for kind in kinds):
                continue
            where = path if single else (*path, index)
            self.problems.append(self._missing(where, value, kinds, what, extra))

    def _missing(
        self,
        path: tuple[Any, ...],
        value: str,
        kinds: tuple[str, ...],
        what: str,
        extra: Mapping[str, Any] | None,
    ) -> ReferenceProblem:
        candidates = [c for kind in kinds for c in self.kinds[kind]] + list(extra or ())
        hint = did_you_mean(value, candidates)
        other = next((k for k, ids in self.kinds.items() if k not in kinds and value in ids), None)
        expected = " or ".join(kinds)
        if not kinds:
            message = f"{what} {value!r} is not defined in this journey"
        elif other is not None:
            message = f"{what} {value!r} is {_article(other)} {other}, not {_article(expected)} {expected}"
        else:
            message = f"{what} {value!r} is not a defined {expected}"
        return ReferenceProblem(path, "E301", message, hint, value)


def _article(noun: str) -> str:
    return "an" if noun[:1] in "aeiou" else "a"


def check_references(workflow: Workflow) -> list[ReferenceProblem]:
    """Find every reference in ``workflow`` to an id that is not defined.

    Returns
    -------
    list of ReferenceProblem
        Empty when every reference resolves.
    """
    r = _Resolver(workflow)
    actor = ("role", "person")

    base: tuple[Any, ...]
    for oid, org in workflow.organizations.items():
        r.expect(
            ("organizations", oid, "point_of_contact"), org.point_of_contact, ("role",), "point of contact"
        )
        r.expect(("organizations", oid, "network"), org.network, ("organization",), "network hub")
    for pid, person in workflow.people.items():
        r.expect(("people", pid, "org"), person.org, ("organization",), "organization")
    for rid, role in workflow.roles.items():
        base = ("roles", rid)
        r.expect((*base, "org"), role.org, ("organization",), "organization")
        r.expect((*base, "held_by"), role.held_by, ("person",), "holder")
        r.expect((*base, "backup"), role.backup, ("role",), "backup")

    for pid, phase in workflow.phases.items():
        r.expect(("phases", pid, "overlaps"), phase.overlaps, ("phase",), "overlapping phase")
        for tid, task in phase.tasks.items():
            base = ("phases", pid, "tasks", tid)
            for name in ("owner", "responsible", "consulted", "informed"):
                r.expect((*base, name), getattr(task, name), ("role",), f"{name} role")
            r.expect((*base, "after"), task.after, ("task",), "predecessor task")
            r.expect((*base, "produces"), task.produces, ("artifact",), "artifact")
            r.expect((*base, "needs"), task.needs, ("artifact",), "artifact")
        if phase.exit_gate is not None:
            for cid, criterion in phase.exit_gate.criteria.items():
                base = ("phases", pid, "exit_gate", "criteria", cid)
                r.expect((*base, "tasks"), criterion.tasks, ("task",), "task")
                r.expect((*base, "artifacts"), criterion.artifacts, ("artifact",), "artifact")
                r.expect((*base, "signoff"), criterion.signoff, ("role",), "sign-off role")
                r.expect((*base, "decided_by"), criterion.decided_by, ("body",), "deciding body")

    for hid, handoff in workflow.handoffs.items():
        base = ("handoffs", hid)
        r.expect((*base, "from"), handoff.from_, actor, "sender")
        r.expect((*base, "to"), handoff.to, actor, "receiver")
        r.expect((*base, "artifacts"), handoff.artifacts, ("artifact",), "artifact")
        r.expect((*base, "from_task"), handoff.from_task, ("task",), "task")
        r.expect((*base, "to_task"), handoff.to_task, ("task",), "task")

    for jid, journey in workflow.journeys.items():
        base = ("journeys", jid)
        for xid in journey.exits:
            if xid in journey.steps:
                r.problems.append(
                    ReferenceProblem(
                        (*base, "exits", xid),
                        "E302",
                        f"id {xid!r} names both a step and an exit of journey {jid!r}",
                        "give the exit its own id",
                        xid,
                        at_key=True,
                    )
                )
        r.expect((*base, "start"), journey.start, (), "start step", extra=journey.steps)
        for sid, step in journey.steps.items():
            sbase = (*base, "steps", sid)
            r.expect((*sbase, "owner"), step.owner, actor, "owner")
            r.expect(
                (*sbase, "next"), step.next, (), "next step or exit", extra={**journey.steps, **journey.exits}
            )
            r.expect((*sbase, "via"), step.via, ("handoff",), "handoff")

    for eid, path in workflow.escalations.items():
        r.expect(("escalations", eid, "levels"), path.levels, actor, "escalation level")
    for mid, meeting in workflow.meetings.items():
        base = ("meetings", mid)
        r.expect((*base, "attendees"), meeting.attendees, actor, "attendee")
        r.expect((*base, "chair"), meeting.chair, ("role",), "chair")
        r.expect((*base, "follow_up_owner"), meeting.follow_up_owner, ("role",), "follow-up owner")
        r.expect((*base, "leaders"), meeting.leaders, actor, "leader")
        r.expect((*base, "inputs"), meeting.inputs, ("artifact", "handoff"), "meeting input")
        r.expect((*base, "template"), meeting.template, ("artifact",), "template")
    for bid, body in workflow.bodies.items():
        base = ("bodies", bid)
        for name in ("part_of", "members_approved_by", "advisors_approved_by", "reports_to"):
            r.expect((*base, name), getattr(body, name), ("body",), "body")
        r.expect((*base, "staffed_by"), body.staffed_by, ("organization",), "organization")
        for sid, seat in body.seats.items():
            r.expect((*base, "seats", sid, "person"), seat.person, ("person",), "seat holder")
            r.expect((*base, "seats", sid, "org"), seat.org, ("organization",), "organization")
            r.expect((*base, "seats", sid, "role"), seat.role, ("role",), "role")
        for index, rule in enumerate(body.composition):
            r.expect((*base, "composition", index, "also_on"), rule.also_on, ("body",), "body")
        if body.replacement is not None:
            r.expect(
                (*base, "replacement", "else_selected_by"),
                body.replacement.else_selected_by,
                ("body",),
                "body",
            )
    for mid, meeting in workflow.meetings.items():
        r.expect(("meetings", mid, "body"), meeting.body, ("body",), "body")
    for did, exchange in workflow.data_exchanges.items():
        base = ("data_exchanges", did)
        r.expect((*base, "from"), exchange.from_, ("organization",), "sending organization")
        r.expect((*base, "to"), exchange.to, ("organization",), "receiving organization")
    return r.problems
