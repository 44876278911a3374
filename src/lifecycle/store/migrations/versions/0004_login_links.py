"""Link people of the workflow to PostgreSQL logins (PostgreSQL only).

On PostgreSQL the person who acts is the logged-in login's linked person (see
:mod:`lifecycle.store.identity`). A link is global (``partnership_id`` NULL) or
for one partnership, which wins over a global link. SQLite is a single-user
file where ``--as`` is trusted, so nothing changes there.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_table(
        "login_links",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("login", sa.String(63), nullable=False),
        sa.Column("partnership_id", sa.Integer, sa.ForeignKey("partnerships.id", ondelete="CASCADE")),
        sa.Column("person", sa.String(200), nullable=False),
    )
    # One link per login and scope; COALESCE because NULLs never collide in a unique index.
    op.execute("CREATE UNIQUE INDEX uq_login_links_scope ON login_links (login, COALESCE(partnership_id, 0))")
    # Every login may see the links (to learn who it is), none but the owner change them.
    op.execute("GRANT SELECT ON login_links TO PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_table("login_links")
