"""Gates that are empty, doubled, or not marked for what they are.

The seed: "Any new partnership requires certain onboarding activities before
services can begin."
"""

from __future__ import annotations

from collections.abc import Iterator

from lifecycle.checks.facts import Facts
from lifecycle.checks.registry import Finding, rule
from lifecycle.diagnostics import Severity
from lifecycle.model import PhaseKind

__all__: list[str] = []


@rule(
    "GATE004",
    "pre-launch-gate-not-launch",
    Severity.ERROR,
    hint="set launch: true on the gate services launch after",
)
def pre_launch_gate_not_launch(facts: Facts) -> Iterator[Finding]:
    """The pre-launch phase's gate is not marked as the launch gate, and no other gate is."""
    phases = facts.workflow.phases
    if any(p.exit_gate is not None and p.exit_gate.launch for p in phases.values()):
        return
    for pid, phase in phases.items():
        if phase.kind is PhaseKind.PRE_LAUNCH and phase.exit_gate is not None:
            yield Finding(
                ("phases", pid, "exit_gate"),
                f"the exit gate of pre-launch phase {pid!r} is not marked launch: true, so no gate "
                "is checked for the pre-launch readiness items",
                pid,
            )


@rule(
    "GATE005",
    "gate-without-criteria",
    Severity.ERROR,
    hint="list the criteria that must be met to leave the phase, or remove the gate",
)
def gate_without_criteria(facts: Facts) -> Iterator[Finding]:
    """A gate has no criteria, so the tracker never counts it as met."""
    for pid, phase in facts.workflow.phases.items():
        if phase.exit_gate is not None and not phase.exit_gate.criteria:
            yield Finding(
                ("phases", pid, "exit_gate"),
                f"the exit gate of {pid!r} has no criteria, so the tracker never counts it as met",
                pid,
            )


@rule(
    "GATE006",
    "several-launch-gates",
    Severity.ERROR,
    hint="keep launch: true on the one gate services launch after",
)
def several_launch_gates(facts: Facts) -> Iterator[Finding]:
    """More than one gate is marked as the launch gate."""
    first: str | None = None
    for pid, phase in facts.workflow.phases.items():
        if phase.exit_gate is None or not phase.exit_gate.launch:
            continue
        if first is None:
            first = pid
            continue
        yield Finding(
            ("phases", pid, "exit_gate", "launch"),
            f"the exit gate of {pid!r} is a second launch gate (the first ends {first!r})",
            pid,
        )
