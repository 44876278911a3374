"""Readiness gates evaluated against a partnership's progress.

A gate is met when every criterion is met: its tasks done or waived, its
artifacts present with evidence, and a sign-off for each of its roles by a
person who holds the role. The evaluation is pure: it reads a
:class:`Progress` snapshot and says, per criterion, what is met and what is not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from lifecycle.machine import FINISHED_TASK_STATES
from lifecycle.model import Workflow

__all__ = ["CriterionResult", "GateReport", "Progress", "SignoffFact", "evaluate_gate"]


@dataclass(frozen=True)
class SignoffFact:
    """A recorded sign-off."""

    role: str
    person: str
    evidence: str
    when: str


@dataclass
class Progress:
    """What a partnership has done so far, as gates need to see it."""

    tasks: Mapping[str, str]
    """Task id -> state."""
    evidence: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Artifact id -> evidence texts or links."""
    signoffs: Mapping[str, Sequence[SignoffFact]] = field(default_factory=dict)
    """Gate (phase) id -> sign-offs recorded for it."""


@dataclass(frozen=True)
class CriterionResult:
    """One criterion of a gate: met or not, why not, and the evidence so far."""

    id: str
    title: str
    met: bool
    unmet: list[str]
    evidence: list[str]


@dataclass(frozen=True)
class GateReport:
    """The state of one phase's exit gate."""

    phase: str
    title: str
    launch: bool
    criteria: list[CriterionResult]

    @property
    def met(self) -> bool:
        """True when every criterion is met."""
        return all(c.met for c in self.criteria)

    def reasons(self) -> list[str]:
        """One line per unmet condition, prefixed with its criterion."""
        return [f"{c.id}: {reason}" for c in self.criteria for reason in c.unmet]


def evaluate_gate(workflow: Workflow, phase_id: str, progress: Progress) -> GateReport:
    """Evaluate the exit gate of ``phase_id`` against ``progress``.

    A phase without an exit gate has nothing to meet: its report has no criteria
    and is met.
    """
    phase = workflow.phases[phase_id]
    gate = phase.exit_gate
    if gate is None:
        return GateReport(phase_id, f"{phase.title} (no exit gate)", False, [])
    signed: dict[str, list[SignoffFact]] = {}
    for fact in progress.signoffs.get(phase_id, ()):
        signed.setdefault(fact.role, []).append(fact)
    results = []
    for cid, criterion in gate.criteria.items():
        unmet: list[str] = []
        evidence: list[str] = []
        for task in criterion.tasks:
            state = progress.tasks.get(task, "todo")
            if state not in FINISHED_TASK_STATES:
                unmet.append(f"task {task!r} is {state}")
            elif state == "waived":
                evidence.append(f"task {task} waived")
        for artifact in criterion.artifacts:
            texts = progress.evidence.get(artifact, ())
            if texts:
                evidence.extend(f"{artifact}: {text}" for text in texts)
            else:
                unmet.append(f"artifact {artifact!r} has no evidence")
        for role in criterion.signoff:
            facts = signed.get(role, [])
            if facts:
                evidence.extend(f"signed by {f.person} as {role}: {f.evidence}" for f in facts)
            else:
                holders = ", ".join(workflow.roles[role].held_by) if role in workflow.roles else ""
                unmet.append(f"no sign-off by role {role!r}" + (f" (held by {holders})" if holders else ""))
        results.append(CriterionResult(cid, criterion.title, not unmet, unmet, evidence))
    return GateReport(phase_id, gate.title, gate.launch, results)
