"""The audit trail as rows and as CSV."""

from __future__ import annotations

from collections.abc import Iterable

from lifecycle.safe_output import spreadsheet_csv
from lifecycle.store.tables import AuditEntry

__all__ = ["AUDIT_COLUMNS", "audit_csv", "audit_rows"]

AUDIT_COLUMNS = ("at", "actor", "action", "subject", "from", "to", "outcome", "detail")
"""The columns of an exported audit trail."""


def audit_rows(entries: Iterable[AuditEntry]) -> list[tuple[str, ...]]:
    """Each entry as a row of text, in :data:`AUDIT_COLUMNS` order."""
    return [
        (
            entry.at.isoformat(timespec="seconds"),
            entry.actor,
            entry.action,
            entry.subject,
            entry.from_state or "",
            entry.to_state or "",
            entry.outcome,
            entry.detail or "",
        )
        for entry in entries
    ]


def audit_csv(entries: Iterable[AuditEntry]) -> str:
    """The audit trail as CSV text with a header row, safe to open in a
    spreadsheet (:func:`lifecycle.safe_output.spreadsheet_csv`)."""
    return spreadsheet_csv(AUDIT_COLUMNS, audit_rows(entries))
