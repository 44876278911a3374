"""One-line summaries of workflows, for people scanning a terminal."""

from __future__ import annotations

from lifecycle.model import Workflow
from lifecycle.words import count

__all__ = ["summarize"]


def summarize(workflow: Workflow) -> str:
    """Count a workflow's parts: ``"2 organizations, 5 people, ... 3 meetings"``."""
    steps = sum(len(j.steps) for j in workflow.journeys.values())
    gates = sum(1 for p in workflow.phases.values() if p.exit_gate is not None)
    parts = [
        count(len(workflow.organizations), "organization"),
        count(len(workflow.people), "person"),
        count(len(workflow.roles), "role"),
        count(len(workflow.phases), "phase"),
        count(sum(len(p.tasks) for p in workflow.phases.values()), "task"),
        count(gates, "gate"),
        count(len(workflow.handoffs), "handoff"),
        count(steps, "journey step"),
        count(len(workflow.escalations), "escalation path"),
        count(len(workflow.meetings), "meeting"),
        count(len(workflow.data_exchanges), "data exchange"),
    ]
    return ", ".join(parts)
