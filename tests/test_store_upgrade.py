"""A database made by the previous schema revision upgrades without losing
anything, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

import lifecycle.store
from lifecycle.store import DatabaseError, open_store, upgrade

MIGRATIONS = Path(lifecycle.store.__file__).with_name("migrations")

ROWS = {
    "partnerships": "INSERT INTO partnerships (id, name, workflow_id, workflow_path, workflow_hash, parties, "
    "contract_start, contract_end, phase, created_at, version) VALUES (1, 'acme', 'small', '/w.yaml', "
    "'abc', '[\"plan\"]', '2026-01-01', '2026-12-31', 'implementation', '2026-01-02 10:00:00+00:00', 7)",
    "task_status": "INSERT INTO task_status (partnership_id, task_id, state) "
    "VALUES (1, 'write-scope', 'done')",
    "evidence": "INSERT INTO evidence (partnership_id, artifact_id, evidence, recorded_by, recorded_at) "
    "VALUES (1, 'contract', 'contract.pdf', 'jlee', '2026-01-03 10:00:00+00:00')",
    "signoffs": "INSERT INTO signoffs (partnership_id, gate_id, role_id, person_id, evidence, signed_at) "
    "VALUES (1, 'scoping', 'plan-poc', 'jlee', 'countersigned', '2026-01-04 10:00:00+00:00')",
    "journey_instances": "INSERT INTO journey_instances (partnership_id, journey_id, member_key, step, "
    "started_at, updated_at) VALUES (1, 'member', 'REF-1', 'declined', '2026-02-01 10:00:00+00:00', "
    "'2026-02-02 10:00:00+00:00')",
    "escalations": "INSERT INTO escalations (partnership_id, path_id, subject, state, opened_by, opened_at, "
    "updated_at) VALUES (1, 'barrier', 'T-1', 'level-2', 'nav', '2026-02-03 10:00:00+00:00', "
    "'2026-02-05 10:00:00+00:00')",
    "audit_log": "INSERT INTO audit_log (partnership_id, at, actor, action, subject, from_state, to_state, "
    "outcome) VALUES (1, '2026-01-02 10:00:00+00:00', 'jlee', 'partnership.start', 'acme', NULL, "
    "'pre-launch', 'ok')",
}


def _at_first_revision(url: str) -> None:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        for statement in ROWS.values():
            connection.execute(sa.text(statement))
        connection.commit()
    engine.dispose()


def test_an_old_database_upgrades_keeping_every_row(new_db: Callable[[], str], tmp_path: Path) -> None:
    url = new_db()
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).touch()
    _at_first_revision(url)
    with pytest.raises(DatabaseError, match="run `lifecycle db upgrade` first"):
        open_store(url)
    assert upgrade(url) == "0006"
    store = open_store(url)
    with store.engine.connect() as connection:
        for table in ROWS:
            assert connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() == 1, table
        assert connection.execute(sa.text("SELECT started_phase, version FROM partnerships")).one() == (
            "pre-launch",
            7,
        )
        assert connection.execute(sa.text("SELECT episode, step FROM journey_instances")).one() == (
            1,
            "declined",
        )
        since, updated = connection.execute(sa.text("SELECT level_since, updated_at FROM escalations")).one()
        assert since == updated
        assert connection.execute(sa.text("SELECT ready_for FROM signoffs")).scalar() is None
        # The member may now have a second episode of the same journey.
        connection.execute(
            sa.text(
                "INSERT INTO journey_instances (partnership_id, journey_id, member_key, episode, step, "
                "started_at, updated_at) VALUES (1, 'member', 'REF-1', 2, 'identify', "
                "'2026-03-01 10:00:00+00:00', '2026-03-01 10:00:00+00:00')"
            )
        )
        with pytest.raises(sa.exc.IntegrityError):
            connection.execute(
                sa.text(
                    "INSERT INTO journey_instances (partnership_id, journey_id, member_key, episode, step, "
                    "started_at, updated_at) VALUES (1, 'member', 'REF-1', 2, 'identify', "
                    "'2026-03-01 10:00:00+00:00', '2026-03-01 10:00:00+00:00')"
                )
            )
    store.close()


def test_the_head_revision_constant_names_the_newest_migration() -> None:
    from alembic.script import ScriptDirectory

    from lifecycle.store import HEAD_REVISION

    assert ScriptDirectory(str(MIGRATIONS)).get_current_head() == HEAD_REVISION
