"""Tracked partnerships: phases, tasks, gates with sign-off, member journeys,
escalations and the audit log, kept in a database (:mod:`lifecycle.store`).

The names below are loaded on first use, so that a command that only reads
(:mod:`lifecycle.tracking.reads`) does not import the tracker's writes and
SQLAlchemy with them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lifecycle.lazy_names import lazy_names

if TYPE_CHECKING:
    from lifecycle.tracking.errors import SignoffRefused, TrackingError, UnknownName, WorkflowChanged
    from lifecycle.tracking.gates import CriterionResult, GateReport, Progress, evaluate_gate
    from lifecycle.tracking.service import TASK_ACTIONS, Change, Tracker

_HOMES = {
    "SignoffRefused": "lifecycle.tracking.errors",
    "TrackingError": "lifecycle.tracking.errors",
    "UnknownName": "lifecycle.tracking.errors",
    "WorkflowChanged": "lifecycle.tracking.errors",
    "CriterionResult": "lifecycle.tracking.gates",
    "GateReport": "lifecycle.tracking.gates",
    "Progress": "lifecycle.tracking.gates",
    "evaluate_gate": "lifecycle.tracking.gates",
    "TASK_ACTIONS": "lifecycle.tracking.service",
    "Change": "lifecycle.tracking.service",
    "Tracker": "lifecycle.tracking.service",
}

__all__ = [
    "TASK_ACTIONS",
    "Change",
    "CriterionResult",
    "GateReport",
    "Progress",
    "SignoffRefused",
    "Tracker",
    "TrackingError",
    "UnknownName",
    "WorkflowChanged",
    "evaluate_gate",
]


__getattr__, __dir__ = lazy_names(__name__, _HOMES, __all__)
