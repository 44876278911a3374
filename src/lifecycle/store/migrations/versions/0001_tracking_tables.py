"""Tracking tables: partnerships, task status, evidence, sign-offs, journeys,
escalations and the append-only audit log.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def _owned(name: str, *columns: sa.Column[Any] | sa.UniqueConstraint) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("partnership_id", sa.Integer, sa.ForeignKey("partnerships.id"), nullable=False),
        *columns,
    )
    op.create_index(f"ix_{name}_partnership_id", name, ["partnership_id"])


def upgrade() -> None:
    op.create_table(
        "partnerships",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("workflow_id", sa.String(80), nullable=False),
        sa.Column("workflow_path", sa.Text, nullable=False),
        sa.Column("workflow_hash", sa.String(64), nullable=False),
        sa.Column("parties", sa.JSON, nullable=False),
        sa.Column("contract_start", sa.Date, nullable=False),
        sa.Column("contract_end", sa.Date, nullable=False),
        sa.Column("phase", sa.String(80), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    _owned(
        "task_status",
        sa.Column("task_id", sa.String(80), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("updated_by", sa.String(80)),
        sa.Column("updated_at", _TS),
        sa.UniqueConstraint("partnership_id", "task_id"),
    )
    _owned(
        "evidence",
        sa.Column("artifact_id", sa.String(80), nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("task_id", sa.String(80)),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
    )
    _owned(
        "signoffs",
        sa.Column("gate_id", sa.String(80), nullable=False),
        sa.Column("role_id", sa.String(80), nullable=False),
        sa.Column("person_id", sa.String(80), nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("signed_at", _TS, nullable=False),
    )
    _owned(
        "journey_instances",
        sa.Column("journey_id", sa.String(80), nullable=False),
        sa.Column("member_key", sa.String(64), nullable=False),
        sa.Column("step", sa.String(80), nullable=False),
        sa.Column("started_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.UniqueConstraint("partnership_id", "journey_id", "member_key"),
    )
    _owned(
        "escalations",
        sa.Column("path_id", sa.String(80), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("opened_by", sa.String(80), nullable=False),
        sa.Column("opened_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    _owned(
        "audit_log",
        sa.Column("at", _TS, nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("from_state", sa.String(80)),
        sa.Column("to_state", sa.String(80)),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("detail", sa.Text),
    )
    _protect_audit_log()


def _protect_audit_log() -> None:
    """Make the database itself refuse to change or remove audit entries."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    for name in ("audit_log", "escalations", "journey_instances", "signoffs", "evidence", "task_status"):
        op.drop_table(name)
    op.drop_table("partnerships")
