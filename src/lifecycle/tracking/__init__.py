"""Tracked partnerships: phases, tasks, gates with sign-off, member journeys,
escalations and the audit log, kept in a database (:mod:`lifecycle.store`)."""

from lifecycle.tracking.errors import SignoffRefused, TrackingError, UnknownName, WorkflowChanged
from lifecycle.tracking.gates import CriterionResult, GateReport, Progress, evaluate_gate
from lifecycle.tracking.service import TASK_ACTIONS, Change, Tracker

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
