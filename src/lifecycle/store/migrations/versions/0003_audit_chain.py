"""Seal the audit log into a hash chain per partnership; block REPLACE and TRUNCATE.

Existing entries are sealed in the order they were written, so a database
upgraded from an older revision verifies like a new one from this point on.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

from lifecycle.store.audit_chain import GENESIS, entry_hash

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", recreate="never") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(64)))
        batch.add_column(sa.Column("hash", sa.String(64)))
    _without_guards(_seal_existing)
    op.create_index("uq_audit_log_link", "audit_log", ["partnership_id", "prev_hash"], unique=True)
    _guard()


def _without_guards(work: Callable[[], None]) -> None:
    """Run ``work`` with 0001's refusal of UPDATE lifted, then put it back."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER audit_log_no_update")
        work()
        op.execute(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        )
    else:
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        work()
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")


_COLUMNS = (
    "id",
    "partnership_id",
    "actor",
    "action",
    "subject",
    "from_state",
    "to_state",
    "outcome",
    "detail",
)


def _seal_existing() -> None:
    """Seal every existing entry, oldest first, one chain per partnership."""
    bind = op.get_bind()
    log = sa.table(
        "audit_log",
        *(sa.column(name) for name in _COLUMNS),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("prev_hash", sa.String(64)),
        sa.column("hash", sa.String(64)),
    )
    heads: dict[int, str] = {}
    for row in bind.execute(sa.select(log).order_by(log.c.id)).all():
        prev = heads.get(row.partnership_id, GENESIS)
        sealed = entry_hash(row, prev)
        bind.execute(sa.update(log).where(log.c.id == row.id).values(prev_hash=prev, hash=sealed))
        heads[row.partnership_id] = sealed


def _guard() -> None:
    """Block the two ways around the 0001 triggers: REPLACE (SQLite) and TRUNCATE (PostgreSQL)."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # REPLACE deletes the row it collides with without firing delete triggers
        # (unless recursive_triggers is on): refuse any insert that would collide.
        op.execute(
            "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "
            "WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id "
            "OR (partnership_id = NEW.partnership_id AND prev_hash IS NEW.prev_hash)) "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        )
    elif dialect == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER audit_log_no_replace")
    else:
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
    op.drop_index("uq_audit_log_link", "audit_log")
    with op.batch_alter_table("audit_log", recreate="never") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
