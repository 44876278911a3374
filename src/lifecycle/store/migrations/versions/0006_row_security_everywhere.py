"""Row-level security on every table a login can write, and two rules of the
workflow held by PostgreSQL itself.

Migration 0005 held ``task_status``, ``signoffs`` and ``audit_log``. This one
holds the rest, from more facts of the workflow that lifecycle writes beside
``person_powers`` and ``task_roles`` when a partnership starts or is rebased
(:mod:`lifecycle.tracking.powers`): ``journey_steps`` (each step's owner,
whether members start there, and where it leads), ``escalation_levels`` (each
level's role) and ``task_products`` (which task produces which artifact). A
linked login may then only:

- ``journey_instances``: refer a member at a journey's first step whose owner
  its person holds or backs up, and move a member along a ``next`` link when
  its person holds the owner of the step the member is at or moves to;
- ``escalations``: open one at level 1 of a path one of whose levels its
  person holds, move one up a level or resolve it at its current level or a
  higher one;
- ``evidence``: add evidence, as its person, for an artifact of a task whose
  owner or responsible role its person holds (any linked login for an artifact
  no task produces);
- ``partnerships``: bump the version every tracked change bumps and move the
  phase (advance); nothing else.

A person holding an acts-for-anyone role may make any of these changes, but
only with a reason in the audit entry of the same transaction (a deferred
constraint trigger checks it at commit). Nothing is deleted or truncated but by
the administrator, and a task is marked done only from ``in-progress`` (by
anyone, the administrator included). ``alembic_version`` is written by the
database owner only. SQLite is a single-user file: nothing changes there.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_FACTS = {
    "journey_steps": "journey_id varchar(80) NOT NULL, step varchar(80) NOT NULL, owner varchar(80), "
    "first boolean NOT NULL, next varchar(80)[] NOT NULL, PRIMARY KEY (partnership_id, journey_id, step)",
    "escalation_levels": "path_id varchar(80) NOT NULL, level integer NOT NULL, role varchar(80) NOT NULL, "
    "PRIMARY KEY (partnership_id, path_id, level)",
    "task_products": "task_id varchar(80) NOT NULL, artifact varchar(80) NOT NULL, "
    "PRIMARY KEY (partnership_id, task_id, artifact)",
}

_FUNCTIONS = r"""
-- Whom row security does not hold: the administrator, and a superuser (never subject to it).
CREATE FUNCTION lifecycle_exempt(pid integer) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT lifecycle_administrator($1) OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
$$;
-- The powers of the person's own roles, without acting for anyone: one definition each,
-- read by the policies and by the check that acting for anyone carries a reason.
CREATE FUNCTION lifecycle_own_task(pid integer, task text) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM task_roles r
                   WHERE r.partnership_id = $1 AND r.task_id = $2 AND lifecycle_holds($1, r.role))
$$;
CREATE FUNCTION lifecycle_own_step(pid integer, journey text, step text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM journey_steps s
                   WHERE s.partnership_id = $1 AND s.journey_id = $2 AND s.step = $3
                     AND lifecycle_holds($1, s.owner))
$$;
CREATE FUNCTION lifecycle_level(state text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN $1 LIKE 'level-%' THEN substr($1, 7)::integer ELSE 1 END
$$;
CREATE FUNCTION lifecycle_own_level(pid integer, path text, state text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM escalation_levels l
                   WHERE l.partnership_id = $1 AND l.path_id = $2 AND l.level >= lifecycle_level($3)
                     AND lifecycle_holds($1, l.role))
$$;
CREATE FUNCTION lifecycle_own_artifact(pid integer, artifact text, task text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM task_products p JOIN task_roles r
                     ON r.partnership_id = p.partnership_id AND r.task_id = p.task_id
                   WHERE p.partnership_id = $1 AND p.artifact = $2 AND ($3 IS NULL OR p.task_id = $3)
                     AND lifecycle_holds($1, r.role))
        OR ($3 IS NULL AND NOT EXISTS (SELECT 1 FROM task_products p
                                       WHERE p.partnership_id = $1 AND p.artifact = $2))
$$;
CREATE FUNCTION lifecycle_refuse(message text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = message;
END
$$;

-- Row triggers: what a policy cannot see, the row before and after an UPDATE.
CREATE FUNCTION lifecycle_partnership_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT lifecycle_exempt(OLD.id)
       AND (to_jsonb(NEW) - 'phase' - 'version') IS DISTINCT FROM (to_jsonb(OLD) - 'phase' - 'version') THEN
        PERFORM lifecycle_refuse('a linked login changes only a partnership''s phase and version');
    END IF;
    RETURN NEW;
END
$$;
CREATE FUNCTION lifecycle_journey_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF lifecycle_exempt(OLD.partnership_id) THEN
        RETURN NEW;
    END IF;
    IF (to_jsonb(NEW) - 'step' - 'updated_at') IS DISTINCT FROM (to_jsonb(OLD) - 'step' - 'updated_at') THEN
        PERFORM lifecycle_refuse('a linked login changes only a journey''s step');
    END IF;
    IF NEW.step IS DISTINCT FROM OLD.step AND NOT EXISTS (
        SELECT 1 FROM journey_steps s
        WHERE s.partnership_id = OLD.partnership_id AND s.journey_id = OLD.journey_id
          AND s.step = OLD.step AND NEW.step = ANY (s.next)
          AND (lifecycle_own_step(OLD.partnership_id, OLD.journey_id, OLD.step)
               OR lifecycle_own_step(OLD.partnership_id, OLD.journey_id, NEW.step)
               OR lifecycle_holds(OLD.partnership_id, '*'))) THEN
        PERFORM lifecycle_refuse(format('no move from %s to %s that this login''s person may make',
                                        OLD.step, NEW.step));
    END IF;
    RETURN NEW;
END
$$;
CREATE FUNCTION lifecycle_escalation_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF lifecycle_exempt(OLD.partnership_id) THEN
        RETURN NEW;
    END IF;
    IF (to_jsonb(NEW) - 'state' - 'updated_at' - 'level_since')
       IS DISTINCT FROM (to_jsonb(OLD) - 'state' - 'updated_at' - 'level_since') THEN
        PERFORM lifecycle_refuse('a linked login changes only an escalation''s state');
    END IF;
    IF NEW.state IS DISTINCT FROM OLD.state AND NOT (
        OLD.state LIKE 'level-%' AND (NEW.state = 'resolved' OR EXISTS (
            SELECT 1 FROM escalation_levels l
            WHERE l.partnership_id = OLD.partnership_id AND l.path_id = OLD.path_id
              AND NEW.state = 'level-' || l.level AND l.level = lifecycle_level(OLD.state) + 1))) THEN
        PERFORM lifecycle_refuse(format('an escalation does not go from %s to %s', OLD.state, NEW.state));
    END IF;
    RETURN NEW;
END
$$;
CREATE FUNCTION lifecycle_done_after_start() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state = 'done' AND OLD.state NOT IN ('done', 'in-progress') THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation',
            MESSAGE = format('task %s is %s: a task is done only after it was started',
                             OLD.task_id, OLD.state);
    END IF;
    RETURN NEW;
END
$$;
CREATE FUNCTION lifecycle_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT (lifecycle_owner() OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)) THEN
        PERFORM lifecycle_refuse(format('%s is not truncated but by the database owner', TG_TABLE_NAME));
    END IF;
    RETURN NULL;
END
$$;

-- Acting for anyone: at commit, a change the person's own roles do not allow needs an
-- audit entry of this transaction, by that person, whose detail gives the reason
-- ("for ROLE, as ROLE: REASON", as lifecycle.tracking.authorize writes it).
CREATE FUNCTION lifecycle_reason_logged(pid integer, actions text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM audit_log a
                   WHERE a.partnership_id = $1 AND a.actor = lifecycle_person($1) AND a.outcome = 'ok'
                     AND a.action LIKE $2 AND a.detail ~ '^for [^,]+, as [^:]+: \S'
                     AND a.xmin::text::bigint = txid_current() % 4294967296)
$$;
CREATE FUNCTION lifecycle_for_anyone() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    own boolean;
    actions text;
BEGIN
    IF lifecycle_exempt(NEW.partnership_id) THEN
        RETURN NULL;
    END IF;
    CASE TG_TABLE_NAME
    WHEN 'task_status' THEN
        own := lifecycle_own_task(NEW.partnership_id, NEW.task_id);
        actions := 'task.%';
    WHEN 'journey_instances' THEN
        own := lifecycle_own_step(NEW.partnership_id, NEW.journey_id, NEW.step)
            OR (TG_OP = 'UPDATE' AND lifecycle_own_step(OLD.partnership_id, OLD.journey_id, OLD.step));
        actions := 'journey.%';
    WHEN 'escalations' THEN
        own := lifecycle_own_level(NEW.partnership_id, NEW.path_id,
                                   CASE WHEN TG_OP = 'UPDATE' THEN OLD.state ELSE NEW.state END);
        actions := 'escalation.%';
    ELSE
        own := lifecycle_own_artifact(NEW.partnership_id, NEW.artifact_id, NEW.task_id);
        -- Evidence given with a finished task is logged with the task's reason.
        actions := CASE WHEN NEW.task_id IS NULL THEN 'artifact.evidence' ELSE 'task.%' END;
    END CASE;
    IF NOT own AND NOT lifecycle_reason_logged(NEW.partnership_id, actions) THEN
        PERFORM lifecycle_refuse(format('%s acts for someone else in %s without a reason in the audit log',
                                        lifecycle_person(NEW.partnership_id), TG_TABLE_NAME));
    END IF;
    RETURN NULL;
END
$$;
"""

_ADMIN = "lifecycle_exempt(partnership_id)"

_TASK_UPDATE = (
    "lifecycle_administrator(partnership_id) OR lifecycle_holds(partnership_id, '*') "
    "OR lifecycle_own_task(partnership_id, task_id)"
)

_REFER = f"""
{_ADMIN} OR EXISTS (
    SELECT 1 FROM journey_steps s
    WHERE s.partnership_id = journey_instances.partnership_id AND s.journey_id = journey_instances.journey_id
      AND s.step = journey_instances.step AND s.first
      AND (lifecycle_holds(s.partnership_id, s.owner) OR lifecycle_holds(s.partnership_id, '*')))
"""

# The row before the move: the person owns the step the member is at, or one it leads to.
_MOVE = f"""
{_ADMIN} OR lifecycle_holds(partnership_id, '*')
OR lifecycle_own_step(partnership_id, journey_id, step)
OR EXISTS (SELECT 1 FROM journey_steps s
           WHERE s.partnership_id = journey_instances.partnership_id
             AND s.journey_id = journey_instances.journey_id AND s.step = journey_instances.step
             AND EXISTS (SELECT 1 FROM unnest(s.next) AS n(step)
                         WHERE lifecycle_own_step(s.partnership_id, s.journey_id, n.step)))
"""

_OPEN = f"""
{_ADMIN} OR (opened_by = lifecycle_person(partnership_id) AND state = 'level-1' AND EXISTS (
    SELECT 1 FROM escalation_levels l
    WHERE l.partnership_id = escalations.partnership_id AND l.path_id = escalations.path_id
      AND (lifecycle_holds(l.partnership_id, l.role) OR lifecycle_holds(l.partnership_id, '*'))))
"""

_ESCALATE = (
    f"{_ADMIN} OR lifecycle_holds(partnership_id, '*') OR lifecycle_own_level(partnership_id, path_id, state)"
)

_EVIDENCE = f"""
{_ADMIN} OR (recorded_by = lifecycle_person(partnership_id)
             AND (lifecycle_holds(partnership_id, '*')
                  OR lifecycle_own_artifact(partnership_id, artifact_id, task_id)))
"""

_LINKED = "lifecycle_exempt(id) OR lifecycle_person(id) IS NOT NULL"

_POLICIES: dict[str, dict[str, tuple[str | None, str | None]]] = {
    "journey_instances": {
        "SELECT": ("true", None),
        "INSERT": (None, _REFER),
        "UPDATE": (_MOVE, "true"),
        "DELETE": (_ADMIN, None),
    },
    "escalations": {
        "SELECT": ("true", None),
        "INSERT": (None, _OPEN),
        "UPDATE": (_ESCALATE, "true"),
        "DELETE": (_ADMIN, None),
    },
    "evidence": {
        "SELECT": ("true", None),
        "INSERT": (None, _EVIDENCE),
        "UPDATE": (_ADMIN, _ADMIN),
        "DELETE": (_ADMIN, None),
    },
    "partnerships": {
        "SELECT": ("true", None),
        "INSERT": (None, "lifecycle_exempt(id)"),
        "UPDATE": (_LINKED, _LINKED),
        "DELETE": ("lifecycle_exempt(id)", None),
    },
    "alembic_version": {"SELECT": ("true", None), "ALL": ("lifecycle_owner()", "lifecycle_owner()")},
    **{table: {"SELECT": ("true", None), "ALL": (_ADMIN, _ADMIN)} for table in _FACTS},
}

_ROW_TRIGGERS = {
    "partnerships_phase_only": "BEFORE UPDATE ON partnerships FOR EACH ROW "
    "EXECUTE FUNCTION lifecycle_partnership_update()",
    "journey_instances_move": "BEFORE UPDATE ON journey_instances FOR EACH ROW "
    "EXECUTE FUNCTION lifecycle_journey_move()",
    "escalations_move": "BEFORE UPDATE ON escalations FOR EACH ROW "
    "EXECUTE FUNCTION lifecycle_escalation_move()",
    "task_status_done_after_start": "BEFORE UPDATE ON task_status FOR EACH ROW "
    "EXECUTE FUNCTION lifecycle_done_after_start()",
}

_FOR_ANYONE = ("task_status", "journey_instances", "escalations", "evidence")

_NO_TRUNCATE = (
    "partnerships",
    "task_status",
    "evidence",
    "signoffs",
    "journey_instances",
    "escalations",
    "login_links",
    "person_powers",
    "task_roles",
    "alembic_version",
    *_FACTS,
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in _FACTS.items():
        op.execute(
            f"CREATE TABLE {table} (partnership_id integer NOT NULL REFERENCES partnerships(id) "
            f"ON DELETE CASCADE, {columns})"
        )
        op.execute(f"GRANT SELECT ON {table} TO PUBLIC")
    op.execute(_FUNCTIONS)
    # 0005's task UPDATE policy, now through the one definition of a task's own powers.
    op.execute(
        f"ALTER POLICY task_status_update ON task_status USING ({_TASK_UPDATE}) WITH CHECK ({_TASK_UPDATE})"
    )
    for table, policies in _POLICIES.items():
        for command, (using, check) in policies.items():
            clauses = (f" USING ({using})" if using else "") + (f" WITH CHECK ({check})" if check else "")
            op.execute(f"CREATE POLICY {table}_{command.lower()} ON {table} FOR {command}{clauses}")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    for name, definition in _ROW_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {definition}")
    for table in _FOR_ANYONE:
        op.execute(
            f"CREATE CONSTRAINT TRIGGER {table}_for_anyone AFTER INSERT OR UPDATE ON {table} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION lifecycle_for_anyone()"
        )
    for table in _NO_TRUNCATE:
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION lifecycle_no_truncate()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _NO_TRUNCATE:
        if table not in _FACTS:
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
    for table in _FOR_ANYONE:
        op.execute(f"DROP TRIGGER {table}_for_anyone ON {table}")
    for name, definition in _ROW_TRIGGERS.items():
        op.execute(f"DROP TRIGGER {name} ON {definition.split(' ON ')[1].split()[0]}")
    for table, policies in _POLICIES.items():
        if table in _FACTS:
            continue
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        for command in policies:
            op.execute(f"DROP POLICY {table}_{command.lower()} ON {table}")
    for table in _FACTS:
        op.execute(f"DROP TABLE {table}")
    task_update = (
        "lifecycle_administrator(partnership_id) OR lifecycle_holds(partnership_id, '*') "
        "OR EXISTS (SELECT 1 FROM task_roles r WHERE r.partnership_id = task_status.partnership_id "
        "AND r.task_id = task_status.task_id AND lifecycle_holds(r.partnership_id, r.role))"
    )
    op.execute(
        f"ALTER POLICY task_status_update ON task_status USING ({task_update}) WITH CHECK ({task_update})"
    )
    for function in (
        "lifecycle_for_anyone()",
        "lifecycle_reason_logged(integer, text)",
        "lifecycle_no_truncate()",
        "lifecycle_done_after_start()",
        "lifecycle_escalation_move()",
        "lifecycle_journey_move()",
        "lifecycle_partnership_update()",
        "lifecycle_refuse(text)",
        "lifecycle_own_artifact(integer, text, text)",
        "lifecycle_own_level(integer, text, text)",
        "lifecycle_level(text)",
        "lifecycle_own_step(integer, text, text)",
        "lifecycle_own_task(integer, text)",
        "lifecycle_exempt(integer)",
    ):
        op.execute(f"DROP FUNCTION {function}")
