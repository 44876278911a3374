"""Sign-offs remember which criteria were ready when given; a member may be
referred again (journey episodes); escalations remember when they reached their
level; a partnership remembers the phase tracking began at.

Revision ID: 0002
Revises: 0001

Existing rows keep their meaning: a sign-off given before this revision has no
record of what was ready, and keeps counting as it did; every journey so far is
episode 1; an open escalation is taken to have reached its level when it was
last changed; the start phase is read from the audit log's ``partnership.start``
entry.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_OLD_UNIQUE = ["partnership_id", "journey_id", "member_key"]


def upgrade() -> None:
    with op.batch_alter_table("signoffs") as batch:
        batch.add_column(sa.Column("ready_for", sa.JSON))
        batch.add_column(sa.Column("through_role", sa.String(80)))
    with op.batch_alter_table("escalations") as batch:
        batch.add_column(sa.Column("level_since", sa.DateTime(timezone=True)))
    op.execute("UPDATE escalations SET level_since = updated_at")
    with op.batch_alter_table("partnerships") as batch:
        batch.add_column(sa.Column("started_phase", sa.String(80)))
    op.execute(
        "UPDATE partnerships SET started_phase = (SELECT a.to_state FROM audit_log a "
        "WHERE a.partnership_id = partnerships.id AND a.action = 'partnership.start' "
        "AND a.outcome = 'ok' ORDER BY a.id LIMIT 1)"
    )
    op.execute("UPDATE partnerships SET started_phase = phase WHERE started_phase IS NULL")
    _journey_episodes()


def _journey_episodes() -> None:
    """Replace the one-journey-per-member constraint by one per member and episode."""
    bind = op.get_bind()
    old = next(
        (
            u["name"]
            for u in sa.inspect(bind).get_unique_constraints("journey_instances")
            if list(u["column_names"]) == _OLD_UNIQUE
        ),
        None,
    )
    # SQLite does not name the constraints it was given without a name; the
    # naming convention lets the batch copy name it so that it can be dropped.
    convention = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}
    with op.batch_alter_table("journey_instances", naming_convention=convention) as batch:
        batch.add_column(sa.Column("episode", sa.Integer, nullable=False, server_default="1"))
        batch.drop_constraint(
            old or "uq_journey_instances_partnership_id_journey_id_member_key", type_="unique"
        )
        batch.create_unique_constraint("uq_journey_instances_episode", [*_OLD_UNIQUE, "episode"])


def downgrade() -> None:
    with op.batch_alter_table("journey_instances") as batch:
        batch.drop_constraint("uq_journey_instances_episode", type_="unique")
        batch.drop_column("episode")
        batch.create_unique_constraint("uq_journey_instances_member", _OLD_UNIQUE)
    with op.batch_alter_table("partnerships") as batch:
        batch.drop_column("started_phase")
    with op.batch_alter_table("escalations") as batch:
        batch.drop_column("level_since")
    with op.batch_alter_table("signoffs") as batch:
        batch.drop_column("through_role")
        batch.drop_column("ready_for")
