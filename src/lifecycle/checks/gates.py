"""Gates: readiness criteria that cannot be met, and launch gates that skip the
seed's pre-launch readiness items.

The seed: "Any new partnership requires certain onboarding activities before
services can begin."
"""

from __future__ import annotations

from collections.abc import Iterator

from lifecycle.checks.facts import Facts
from lifecycle.checks.registry import Finding, rule
from lifecycle.diagnostics import Severity
from lifecycle.model import Criterion, ReadinessItem, Task, TestedWorkflow

__all__: list[str] = []


def _criteria(facts: Facts) -> Iterator[tuple[str, str, tuple[object, ...]]]:
    for pid, phase in facts.workflow.phases.items():
        if phase.exit_gate is not None:
            for cid in phase.exit_gate.criteria:
                yield pid, cid, ("phases", pid, "exit_gate", "criteria", cid)


@rule(
    "GATE001",
    "unsatisfiable-criterion",
    Severity.ERROR,
    hint="list tasks, artifacts or sign-offs that exist before the gate",
)
def unsatisfiable_criterion(facts: Facts) -> Iterator[Finding]:
    """A gate criterion can never be shown to be met."""
    for pid, cid, path in _criteria(facts):
        gate = facts.workflow.phases[pid].exit_gate
        assert gate is not None
        criterion = gate.criteria[cid]
        where = f"criterion {cid!r} of the exit gate of {pid!r}"
        if not (criterion.tasks or criterion.artifacts or criterion.signoff):
            yield Finding(
                path,
                f"{where} names no task, artifact or sign-off, so nothing can show it is met",
                cid,
                "list the tasks, artifacts or sign-offs that show it is met",
            )
        for index, artifact in enumerate(criterion.artifacts):
            if artifact not in facts.producers:
                yield Finding(
                    (*path, "artifacts", index),
                    f"{where} needs artifact {artifact!r}, which no task produces",
                    cid,
                    "add a task that produces it (produces:)",
                )
        rank = facts.phase_rank[pid]
        for index, tid in enumerate(criterion.tasks):
            later = facts.phase_of.get(tid)
            if later is not None and facts.phase_rank[later] > rank:
                yield Finding(
                    (*path, "tasks", index),
                    f"{where} needs task {tid!r}, which belongs to the later phase {later!r}",
                    cid,
                    "move the task into this phase or an earlier one",
                )


@rule(
    "GATE002",
    "signoff-role-unheld",
    Severity.ERROR,
    hint="name who holds the role (held_by), or give it a backup role that someone holds",
)
def signoff_role_unheld(facts: Facts) -> Iterator[Finding]:
    """A gate needs a sign-off from a role nobody holds."""
    for pid, cid, path in _criteria(facts):
        gate = facts.workflow.phases[pid].exit_gate
        assert gate is not None
        for index, role in enumerate(gate.criteria[cid].signoff):
            if not facts.carriers(role):
                yield Finding(
                    (*path, "signoff", index),
                    f"criterion {cid!r} of the exit gate of {pid!r} needs sign-off by {role!r}, "
                    "which nobody holds",
                    role,
                )


@rule(
    "GATE003",
    "launch-gate-missing-readiness",
    Severity.ERROR,
    hint="add a criterion with readiness: <item> (for workflow-testing, workflows: [referral, reporting, "
    "payment]), or say why under not_applicable:",
)
def launch_gate_missing_readiness(facts: Facts) -> Iterator[Finding]:
    """A launch gate leaves out pre-launch readiness items without saying why."""
    for pid, phase in facts.workflow.phases.items():
        gate = phase.exit_gate
        if gate is None or not gate.launch:
            continue
        covered: set[ReadinessItem] = set(gate.not_applicable)
        tested: set[TestedWorkflow] = set()
        for criterion in gate.criteria.values():
            holders: list[Criterion | Task] = [criterion]
            holders += [t for tid in criterion.tasks if (t := facts.tasks.get(tid)) is not None]
            for holder in holders:
                if holder.readiness is not None:
                    covered.add(holder.readiness)
                if holder.readiness is ReadinessItem.WORKFLOW_TESTING:
                    tested.update(holder.workflows)
        missing = [item.value for item in ReadinessItem if item not in covered]
        untested = [w.value for w in TestedWorkflow if w not in tested]
        if (
            ReadinessItem.WORKFLOW_TESTING in covered
            and untested
            and (ReadinessItem.WORKFLOW_TESTING not in gate.not_applicable)
        ):
            missing.append("workflow-testing of " + ", ".join(untested))
        if missing:
            yield Finding(
                ("phases", pid, "exit_gate"),
                f"launch gate of {pid!r} does not cover the readiness items " + ", ".join(missing),
                pid,
            )
