"""Readiness gates evaluated against a partnership's progress.

A gate is met when it has criteria and every criterion is met: its tasks done
or waived, its artifacts present with evidence, and a sign-off for each of its
roles by a person who may act for the role (:mod:`lifecycle.roles`), given
after those tasks and artifacts were in place. A sign-off given before then is
stale: it is shown, and must be given again. A gate with no criteria is never
met, since nothing shows the partnership is ready. The gates of phases before
the one tracking began at are not tracked. The evaluation is pure: it reads a
:class:`Progress` snapshot and says, per criterion, what is met and what is not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lifecycle.machine import FINISHED_TASK_STATES, TODO, WAIVED
from lifecycle.roles import carriers

if TYPE_CHECKING:
    from lifecycle.model import Criterion, Workflow

__all__ = [
    "NO_CRITERIA",
    "CriterionResult",
    "GateReport",
    "Progress",
    "SignoffFact",
    "criterion_gaps",
    "evaluate_gate",
]

NO_CRITERIA = (
    "the gate has no criteria, so nothing shows the partnership is ready (add criteria; see GATE003)"
)
"""Why a gate without criteria is never met."""


@dataclass(frozen=True)
class SignoffFact:
    """A recorded sign-off."""

    role: str
    person: str
    evidence: str
    when: str
    ready_for: tuple[str, ...] | None = None
    """The criteria that were ready when it was given (None: recorded before
    lifecycle kept this, and counted)."""
    through: str | None = None
    """The backup role the signer held when signing as a backup (None: as holder,
    or recorded before lifecycle kept this)."""

    def describe(self) -> str:
        """How the signer signed, as recorded: "as R" or "as backup for R"."""
        return f"as backup for {self.role}" if self.through else f"as {self.role}"

    def counts_for(self, criterion: str) -> bool:
        """True when the sign-off was given after ``criterion`` was ready."""
        return self.ready_for is None or criterion in self.ready_for


@dataclass
class Progress:
    """What a partnership has done so far, as gates need to see it."""

    tasks: Mapping[str, str]
    """Task id -> state."""
    evidence: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Artifact id -> evidence texts or links."""
    signoffs: Mapping[str, Sequence[SignoffFact]] = field(default_factory=dict)
    """Gate (phase) id -> sign-offs recorded for it."""
    started_phase: str | None = None
    """The phase tracking began at (None: the first)."""


@dataclass(frozen=True)
class CriterionResult:
    """One criterion of a gate: met or not, why not, and the evidence so far."""

    id: str
    title: str
    met: bool
    unmet: list[str]
    evidence: list[str]
    stale: list[str] = field(default_factory=list)
    """Sign-offs given before the criterion was ready, which must be given again."""


@dataclass(frozen=True)
class GateReport:
    """The state of one phase's exit gate."""

    phase: str
    title: str
    launch: bool
    criteria: list[CriterionResult]
    problems: list[str] = field(default_factory=list)
    """What makes the gate unmet as a whole (it has no criteria)."""
    untracked: str | None = None
    """Set to the phase tracking began at when this gate comes before it."""

    @property
    def met(self) -> bool:
        """True when the gate has something to meet and every criterion is met
        (an untracked gate is neither met nor unmet; this says False)."""
        return self.untracked is None and not self.problems and all(c.met for c in self.criteria)

    def reasons(self) -> list[str]:
        """One line per unmet condition, prefixed with its criterion."""
        if self.untracked is not None:
            return []
        return [*self.problems, *(f"{c.id}: {reason}" for c in self.criteria for reason in c.unmet)]

    def state(self) -> str:
        """ "met", "not met: N unmet" or "not tracked (started at PHASE)"."""
        if self.untracked is not None:
            return f"not tracked (started at {self.untracked})"
        return "met" if self.met else f"not met: {len(self.reasons())} unmet"


def criterion_gaps(criterion: Criterion, progress: Progress) -> list[str]:
    """What keeps a criterion's tasks and artifacts from being in place (its
    sign-offs aside): empty when they all are."""
    gaps = []
    for task in criterion.tasks:
        state = progress.tasks.get(task, TODO)
        if state not in FINISHED_TASK_STATES:
            gaps.append(f"task {task!r} is {state}")
    gaps.extend(
        f"artifact {artifact!r} has no evidence"
        for artifact in criterion.artifacts
        if not progress.evidence.get(artifact)
    )
    return gaps


def evaluate_gate(workflow: Workflow, phase_id: str, progress: Progress) -> GateReport:
    """Evaluate the exit gate of ``phase_id`` against ``progress``.

    A phase without an exit gate has nothing to meet: its report has no criteria
    and is met. A gate with no criteria is never met.
    """
    phase = workflow.phases[phase_id]
    gate = phase.exit_gate
    if gate is None:
        return GateReport(phase_id, f"{phase.title} (no exit gate)", False, [])
    order = list(workflow.phases)
    started = progress.started_phase
    if started in workflow.phases and order.index(phase_id) < order.index(started):
        return GateReport(phase_id, gate.title, gate.launch, [], untracked=started)
    signed: dict[str, list[SignoffFact]] = {}
    for fact in progress.signoffs.get(phase_id, ()):
        signed.setdefault(fact.role, []).append(fact)
    results = []
    for cid, criterion in gate.criteria.items():
        unmet = criterion_gaps(criterion, progress)
        evidence = [f"task {task} waived" for task in criterion.tasks if progress.tasks.get(task) == WAIVED]
        for artifact in criterion.artifacts:
            evidence.extend(f"{artifact}: {text}" for text in progress.evidence.get(artifact, ()))
        stale: list[str] = []
        for role in criterion.signoff:
            facts = signed.get(role, [])
            valid = [f for f in facts if f.counts_for(cid)]
            if valid:
                evidence.extend(f"signed by {f.person} {f.describe()}: {f.evidence}" for f in valid)
            elif facts:
                unmet.append(f"the sign-off by role {role!r} is stale (given before the criterion was ready)")
                stale.extend(
                    f"{f.person} signed as {role} on {f.when} before the criterion was ready: sign again"
                    for f in facts
                )
            else:
                who = ", ".join(sorted(carriers(workflow, role)))
                unmet.append(f"no sign-off by role {role!r}" + (f" (can sign: {who})" if who else ""))
        results.append(CriterionResult(cid, criterion.title, not unmet, unmet, evidence, stale))
    problems = [] if gate.criteria else [NO_CRITERIA]
    return GateReport(phase_id, gate.title, gate.launch, results, problems)
