"""How well a partnership survives staff turnover: a resilience score and what-if.

The seed warns that when an unofficial "go-to" staff member "moves to a new
role, it can be challenging to replicate this positive dynamic". This module
asks that question of every person in a workflow.

**Coverage.** A piece of work is *covered* when someone can carry each of its
parts: a task needs a holder of its owner role (or of a responsible role when
it has no owner), a handoff needs someone at both ends, an escalation path
needs someone at every level. A role is carried by the people who hold it or
any role in its chain of backups; a person named directly carries only
themselves.

**Score.** Remove people one at a time, each departure on its own, and rank
them worst first by how much covered work they leave uncovered. The
resilience score of an organization (its tasks, the handoffs and escalation
paths it takes part in) is the share of its work still covered after its worst
single departure, from 0 to 100; the overall score does the same for the whole
workflow. Work that nobody covers even before anyone leaves counts as lost.

A departure breaks a piece of work exactly when the person is the only one
able to carry one of its parts, so the scores come from one pass over the
work, not one pass per person.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lifecycle.checks import Settings, run_checks
from lifecycle.checks.facts import Facts
from lifecycle.diagnostics import Diagnostic, LifecycleError
from lifecycle.loader import Document
from lifecycle.model import Workflow
from lifecycle.words import did_you_mean

__all__ = [
    "Loss",
    "OrgScore",
    "Resilience",
    "WhatIf",
    "WhatIfError",
    "parse_target",
    "resilience_score",
    "whatif",
    "without",
]


@dataclass(frozen=True)
class _Work:
    kind: str  # "task", "handoff" or "escalation"
    id: str
    orgs: frozenset[str]
    parts: tuple[frozenset[str], ...]  # the people able to carry each part

    @property
    def covered(self) -> bool:
        return all(self.parts)


@dataclass(frozen=True)
class OrgScore:
    """The resilience of one organization (or, with ``org`` None, of the whole workflow)."""

    org: str | None
    work: int
    """Tasks, handoffs and escalation paths counted."""
    covered: int
    """How many are covered with everybody present."""
    after_worst: int
    """How many stay covered after the worst single departure."""
    worst: str | None
    """The person whose departure hurts most (None when no departure hurts)."""

    @property
    def score(self) -> int:
        """``after_worst`` as a share of ``work``, 0 to 100 (100 with no work)."""
        return 100 if self.work == 0 else round(100 * self.after_worst / self.work)


@dataclass(frozen=True)
class Loss:
    """What one person's departure leaves uncovered."""

    person: str
    lost: int
    by_kind: dict[str, int]
    """Lost work by kind: task, handoff, escalation."""
    examples: tuple[str, ...]
    """A few of the pieces of work lost, as ``kind id``."""


@dataclass(frozen=True)
class Resilience:
    """The overall score, the score of every organization and the people whose loss hurts most."""

    overall: OrgScore
    organizations: dict[str, OrgScore]
    losses: list[Loss]
    """Every departure that breaks some work, worst first."""


def _work(facts: Facts) -> list[_Work]:
    workflow = facts.workflow
    items: list[_Work] = []

    def orgs(actors: Iterable[str]) -> frozenset[str]:
        return frozenset(o for o in (facts.org_of(a) for a in actors) if o is not None)

    for tid, task in facts.tasks.items():
        roles = task.owner or task.responsible
        carriers = frozenset().union(*(facts.carriers(r) for r in roles)) if roles else frozenset()
        items.append(_Work("task", tid, orgs(task.owner[:1] or task.responsible[:1]), (carriers,)))
    for hid, handoff in workflow.handoffs.items():
        ends = (handoff.from_, handoff.to)
        items.append(_Work("handoff", hid, orgs(ends), tuple(facts.carriers(a) for a in ends)))
    for eid, path in workflow.escalations.items():
        items.append(
            _Work("escalation", eid, orgs(path.levels), tuple(facts.carriers(a) for a in path.levels))
        )
    return items


def resilience_score(workflow: Workflow) -> Resilience:
    """Score how much of ``workflow`` stays covered when any one person leaves.

    Returns
    -------
    Resilience
        The overall and per-organization scores (0-100) and the ranked losses.
    """
    facts = Facts(workflow)
    items = _work(facts)
    broken: dict[str, list[_Work]] = defaultdict(list)
    for item in items:
        if not item.covered:
            continue
        sole = {next(iter(part)) for part in item.parts if len(part) == 1}
        for person in sole:
            broken[person].append(item)

    def score(org: str | None) -> OrgScore:
        mine = [i for i in items if org is None or org in i.orgs]
        covered = sum(1 for i in mine if i.covered)
        worst, lost = None, 0
        for person, hurt in broken.items():
            count = len(hurt) if org is None else sum(1 for i in hurt if org in i.orgs)
            if count > lost or (count == lost and count and worst is not None and person < worst):
                worst, lost = person, count
        return OrgScore(org, len(mine), covered, covered - lost, worst)

    losses = [
        Loss(
            person,
            len(hurt),
            dict(Counter(i.kind for i in hurt)),
            tuple(f"{i.kind} {i.id}" for i in hurt[:3]),
        )
        for person, hurt in broken.items()
    ]
    losses.sort(key=lambda loss: (-loss.lost, loss.person))
    return Resilience(score(None), {oid: score(oid) for oid in workflow.organizations}, losses)


class WhatIfError(LifecycleError):
    """A what-if names a person or role the workflow does not have."""


def parse_target(workflow: Workflow, text: str) -> tuple[str, str]:
    """Read ``person:ID``, ``role:ID`` or a bare ID (role and person ids never
    collide) into ``(kind, id)``.

    Raises
    ------
    WhatIfError
        When the id names no person or role of that kind.
    """
    kind, sep, ident = text.partition(":")
    if not sep:
        kind, ident = ("role" if text in workflow.roles else "person"), text
    pools: dict[str, Mapping[str, object]] = {"person": workflow.people, "role": workflow.roles}
    pool = pools.get(kind)
    if pool is None:
        raise WhatIfError(f"--without {text!r}: write person:ID or role:ID")
    if ident not in pool:
        hint = did_you_mean(ident, pool, prefix=f"{kind}:")
        hint = f" ({hint})" if hint else ""
        raise WhatIfError(f"--without {text!r}: the workflow has no {kind} {ident!r}{hint}")
    return kind, ident


def without(workflow: Workflow, people: Iterable[str] = (), roles: Iterable[str] = ()) -> Workflow:
    """The workflow after ``people`` leave and ``roles`` fall vacant.

    A person who leaves is removed from the people and from every role they
    hold; references to them elsewhere stay, pointing at nobody. A vacant role
    keeps its place and its backup, but nobody holds it.
    """
    gone, vacant = set(people), set(roles)
    new_roles = {
        rid: role.model_copy(
            update={"held_by": [] if rid in vacant else [h for h in role.held_by if h not in gone]}
        )
        for rid, role in workflow.roles.items()
    }
    new_people = {pid: person for pid, person in workflow.people.items() if pid not in gone}
    return workflow.model_copy(update={"roles": new_roles, "people": new_people})


@dataclass
class WhatIf:
    """What breaks when some people leave or some roles fall vacant."""

    removed: list[tuple[str, str]]
    new: list[Diagnostic]
    """Findings the change adds to the baseline."""
    resolved: list[Diagnostic]
    """Baseline findings the change makes go away."""
    before: Resilience
    after: Resilience
    baseline: list[Diagnostic] = field(default_factory=list)


def _key(d: Diagnostic) -> tuple[str, str | None, str]:
    return d.code, d.element, d.message


def whatif(document: Document, targets: Iterable[str], settings: Settings | None = None) -> WhatIf:
    """Check ``document`` with and without the people and roles named by
    ``targets`` (``person:ID`` or ``role:ID``) and compare.

    Raises
    ------
    WhatIfError
        When a target names nothing in the workflow.
    """
    workflow = document.workflow
    removed = [parse_target(workflow, t) for t in targets]
    changed = without(
        workflow,
        people=[i for k, i in removed if k == "person"],
        roles=[i for k, i in removed if k == "role"],
    )
    baseline = run_checks(document, settings=settings).findings
    after = run_checks(dataclasses.replace(document, workflow=changed), settings=settings).findings
    before_keys = {_key(d) for d in baseline}
    after_keys = {_key(d) for d in after}
    return WhatIf(
        removed,
        [d for d in after if _key(d) not in before_keys],
        [d for d in baseline if _key(d) not in after_keys],
        resilience_score(workflow),
        resilience_score(changed),
        baseline,
    )
