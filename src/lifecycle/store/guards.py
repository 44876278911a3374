"""The database triggers that keep the audit log append-only, and which of
them are gone: read before every write of the log, and by ``lifecycle audit
verify``."""

from __future__ import annotations

from lifecycle.store.reading import Database

__all__ = ["GUARDS", "missing_guards"]

GUARDS = {
    "sqlite": {"audit_log_no_update", "audit_log_no_delete", "audit_log_no_replace"},
    "postgresql": {"audit_log_append_only", "audit_log_no_truncate"},
}
"""The triggers that keep the audit log append-only, by database."""


def missing_guards(db: Database) -> set[str]:
    """The audit log's triggers that are missing or disabled in this database."""
    if db.backend == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
    else:
        # tgenabled 'D' is a trigger its table's owner switched off.
        query = (
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass "
            "AND NOT tgisinternal AND tgenabled <> 'D'"
        )
    present = {str(name) for (name,) in db.rows(query)}
    return GUARDS.get(db.backend, set()) - present
