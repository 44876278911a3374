"""The audit trail as rows and as CSV."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from lifecycle.safe_output import spreadsheet_csv
from lifecycle.store.records import AuditRecord
from lifecycle.tracking.evidence import shown_detail

__all__ = ["AUDIT_COLUMNS", "audit_csv", "audit_rows"]

AUDIT_COLUMNS = ("at", "actor", "action", "subject", "from", "to", "outcome", "detail")
"""The columns of an exported audit trail."""


def audit_rows(
    entries: Iterable[AuditRecord], evidence: Mapping[int, str] | None = None
) -> list[tuple[str, ...]]:
    """Each entry as a row of text, in :data:`AUDIT_COLUMNS` order; with
    ``evidence`` (texts by row id), the evidence an entry refers to is shown
    (see :func:`lifecycle.tracking.evidence.shown_detail`)."""
    return [
        (
            entry.at.isoformat(timespec="seconds"),
            entry.actor,
            entry.action,
            entry.subject,
            entry.from_state or "",
            entry.to_state or "",
            entry.outcome,
            shown_detail(entry, evidence or {}),
        )
        for entry in entries
    ]


def audit_csv(entries: Iterable[AuditRecord], evidence: Mapping[int, str] | None = None) -> str:
    """The audit trail as CSV text with a header row, safe to open in a
    spreadsheet (:func:`lifecycle.safe_output.spreadsheet_csv`)."""
    return spreadsheet_csv(AUDIT_COLUMNS, audit_rows(entries, evidence))
