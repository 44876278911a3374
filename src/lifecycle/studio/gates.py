"""The gates dashboard: every tracked partnership's readiness gates at a glance,
and one gate in detail, read from a database opened read-only.

The database is opened so that nothing can be written (``open_store(url,
readonly=True)``): a SQLite file through a ``mode=ro`` connection that also
refuses writes (``query_only``), PostgreSQL in read-only transactions.
Browsing the dashboard leaves the file byte-identical.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from lifecycle.diagnostics import LifecycleError
from lifecycle.machine import FINISHED_TASK_STATES
from lifecycle.store import database_url, open_store
from lifecycle.tracking import Tracker
from lifecycle.tracking.gates import GateReport
from lifecycle.tracking.status import Status, partnership_status

__all__ = ["dashboard", "gate_detail", "open_read_only"]


def open_read_only(db: str) -> Tracker:
    """A tracker on the database ``db`` (a URL or a SQLite file) that can change
    nothing (:func:`lifecycle.store.open_store` with ``readonly``).

    Raises
    ------
    DatabaseError
        When the database is missing, unreachable or not a lifecycle database.
    """
    return Tracker(open_store(database_url(db), readonly=True))


def _gate_line(report: GateReport, current: bool) -> dict[str, Any]:
    open_criteria = [c for c in report.criteria if not c.met]
    return {
        "phase": report.phase,
        "title": report.title,
        "launch": report.launch,
        "current": current,
        "met": report.met,
        "open_criteria": len(open_criteria),
        "criteria": len(report.criteria),
        "stale_signoffs": sum(len(c.stale) for c in report.criteria),
        "untracked": report.untracked,
    }


def _next_deadline(status: Status, today: dt.date) -> dict[str, Any] | None:
    for deadline in status.deadlines:
        if deadline.state in FINISHED_TASK_STATES or deadline.date is None:
            continue
        return {
            "task": deadline.task,
            "due": deadline.due,
            "date": deadline.date.isoformat(),
            "when": deadline.describe(today),
            "overdue": deadline.date < today,
        }
    return None


def dashboard(tracker: Tracker, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Every tracked partnership with its gates: met, or how many criteria are
    open; its next deadline and its open escalations.

    A partnership whose workflow file cannot be read is listed with the reason.
    """
    today = today or dt.date.today()
    rows = []
    for partnership in tracker.partnerships():
        row: dict[str, Any] = {"name": partnership.name, "phase": partnership.phase}
        try:
            status = partnership_status(tracker, partnership.name)
        except LifecycleError as error:
            row["error"] = str(error).splitlines()[0]
            rows.append(row)
            continue
        row.update(
            workflow=status.workflow.title,
            phase_title=status.phase_title,
            workflow_changed=status.workflow_changed,
            gates=[_gate_line(g, g.phase == partnership.phase) for g in status.gates],
            next_deadline=_next_deadline(status, today),
            open_escalations=len(status.escalations),
            overdue_escalations=[
                {"number": e.number, "path": e.path, "with": e.with_, "next": e.next}
                for e in status.escalations
                if e.overdue is not None
            ],
        )
        rows.append(row)
    return rows


def gate_detail(tracker: Tracker, name: str, phase: str | None = None) -> dict[str, Any]:
    """One partnership's gate (its current phase's by default): every criterion,
    met or not and why, its evidence, and the sign-offs recorded for it.

    Raises
    ------
    TrackingError
        When the partnership or the phase is unknown.
    """
    report = tracker.check_gate(name, phase)
    _partnership, progress = tracker.progress(name)
    signoffs = [
        {"role": fact.role, "person": fact.person, "evidence": fact.evidence, "when": fact.when}
        for fact in progress.signoffs.get(report.phase, [])
    ]
    return {
        "partnership": name,
        "phase": report.phase,
        "title": report.title,
        "launch": report.launch,
        "met": report.met,
        "criteria": [
            {"id": c.id, "title": c.title, "met": c.met, "unmet": c.unmet, "evidence": c.evidence}
            for c in report.criteria
        ],
        "signoffs": signoffs,
    }
