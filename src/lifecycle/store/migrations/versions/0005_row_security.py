"""Row-level security on PostgreSQL: a login writes only what its person may.

Who may write what is materialized per partnership, from the workflow, when a
partnership starts or is rebased (:mod:`lifecycle.tracking.powers`):
``person_powers`` (each person and the roles they hold or back up, ``*`` for an
acts-for-anyone role) and ``task_roles`` (each task's owner and responsible
roles). Policies then hold every login, the table owner included (FORCE), to:

- ``task_status``: UPDATE only of a task whose owner or responsible role the
  login's person holds or backs up, or by an acts-for-anyone person;
- ``signoffs``: INSERT only as the login's person, for a role they hold or back up;
- ``audit_log``: INSERT only with ``actor`` the login's person.

The administrator is the database owner while it is linked to no person: it
runs the migrations, starts and rebases partnerships and manages the links,
and the policies let it through (a superuser is never subject to row security
at all). SQLite is a single-user file: nothing changes there.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_FUNCTIONS = """
CREATE FUNCTION lifecycle_person(pid integer) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT person FROM login_links
    WHERE login = current_user AND (partnership_id = $1 OR partnership_id IS NULL)
    ORDER BY partnership_id NULLS LAST LIMIT 1
$$;
CREATE FUNCTION lifecycle_owner() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT d.datdba = r.oid FROM pg_database d, pg_roles r
    WHERE d.datname = current_database() AND r.rolname = current_user
$$;
CREATE FUNCTION lifecycle_administrator(pid integer) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT lifecycle_owner() AND lifecycle_person($1) IS NULL
$$;
-- Positional $1 $2: in a SQL function a column would shadow a parameter of the same name.
CREATE FUNCTION lifecycle_holds(pid integer, held text) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM person_powers p
                   WHERE p.partnership_id = $1 AND p.person = lifecycle_person($1) AND p.role = $2)
$$;
"""

_TASK_UPDATE = """
lifecycle_administrator(partnership_id)
OR lifecycle_holds(partnership_id, '*')
OR EXISTS (SELECT 1 FROM task_roles r
           WHERE r.partnership_id = task_status.partnership_id AND r.task_id = task_status.task_id
             AND lifecycle_holds(r.partnership_id, r.role))
"""

_POLICIES: dict[str, dict[str, tuple[str | None, str | None]]] = {
    "task_status": {
        "SELECT": ("true", None),
        "INSERT": (None, "lifecycle_administrator(partnership_id)"),
        "UPDATE": (_TASK_UPDATE, _TASK_UPDATE),
        "DELETE": ("lifecycle_administrator(partnership_id)", None),
    },
    "signoffs": {
        "SELECT": ("true", None),
        "INSERT": (
            None,
            "lifecycle_administrator(partnership_id) OR "
            "(person_id = lifecycle_person(partnership_id) AND lifecycle_holds(partnership_id, role_id))",
        ),
        "UPDATE": ("lifecycle_administrator(partnership_id)", None),
        "DELETE": ("lifecycle_administrator(partnership_id)", None),
    },
    "audit_log": {
        "SELECT": ("true", None),
        "INSERT": (
            None,
            "lifecycle_administrator(partnership_id) OR actor = lifecycle_person(partnership_id)",
        ),
    },
    # Who may write what is itself written only by the administrator.
    "person_powers": {
        "SELECT": ("true", None),
        "ALL": ("lifecycle_administrator(partnership_id)", "lifecycle_administrator(partnership_id)"),
    },
    "task_roles": {
        "SELECT": ("true", None),
        "ALL": ("lifecycle_administrator(partnership_id)", "lifecycle_administrator(partnership_id)"),
    },
    "login_links": {"SELECT": ("true", None), "ALL": ("lifecycle_owner()", "lifecycle_owner()")},
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in ("person_powers", "task_roles"):
        other = "person" if table == "person_powers" else "task_id"
        op.execute(
            f"CREATE TABLE {table} (partnership_id integer NOT NULL REFERENCES partnerships(id) "
            f"ON DELETE CASCADE, {other} varchar(80) NOT NULL, role varchar(80) NOT NULL, "
            f"PRIMARY KEY (partnership_id, {other}, role))"
        )
        op.execute(f"GRANT SELECT ON {table} TO PUBLIC")
    op.execute(_FUNCTIONS)
    for table, policies in _POLICIES.items():
        for command, (using, check) in policies.items():
            clauses = (f" USING ({using})" if using else "") + (f" WITH CHECK ({check})" if check else "")
            op.execute(f"CREATE POLICY {table}_{command.lower()} ON {table} FOR {command}{clauses}")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, policies in _POLICIES.items():
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        for command in policies:
            op.execute(f"DROP POLICY {table}_{command.lower()} ON {table}")
    for function in (
        "lifecycle_holds(integer, text)",
        "lifecycle_administrator(integer)",
        "lifecycle_owner()",
    ):
        op.execute(f"DROP FUNCTION {function}")
    op.execute("DROP FUNCTION lifecycle_person(integer)")
    op.execute("DROP TABLE task_roles")
    op.execute("DROP TABLE person_powers")
