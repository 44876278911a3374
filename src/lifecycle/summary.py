"""One-line summaries of workflows, for people scanning a terminal."""

from __future__ import annotations

from lifecycle.model import Workflow

__all__ = ["summarize"]


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def summarize(workflow: Workflow) -> str:
    """Count a workflow's parts: ``"2 organizations, 5 people, ... 3 meetings"``."""
    steps = sum(len(j.steps) for j in workflow.journeys.values())
    gates = sum(1 for p in workflow.phases.values() if p.exit_gate is not None)
    parts = [
        _count(len(workflow.organizations), "organization"),
        _count(len(workflow.people), "person", "people"),
        _count(len(workflow.roles), "role"),
        _count(len(workflow.phases), "phase"),
        _count(sum(len(p.tasks) for p in workflow.phases.values()), "task"),
        _count(gates, "gate"),
        _count(len(workflow.handoffs), "handoff"),
        _count(steps, "journey step"),
        _count(len(workflow.escalations), "escalation path"),
        _count(len(workflow.meetings), "meeting"),
        _count(len(workflow.data_exchanges), "data exchange"),
    ]
    return ", ".join(parts)
