"""The same tracking scenarios on a real PostgreSQL server that the test run
starts itself (see ``postgres.py``); skipped only when it truly cannot start."""

from __future__ import annotations

from pathlib import Path

import postgres
import pytest
import sqlalchemy as sa
from test_tracking import (
    SMALL,
    new_tracker,
    scenario_bad_input_changes_nothing,
    scenario_gates_and_signoff,
    scenario_journeys_and_escalations,
    scenario_two_processes,
)

from lifecycle.store import DatabaseError, open_store


def _server() -> postgres.Server:
    server = postgres.server()
    if isinstance(server, str):
        pytest.skip(server)
    return server


@pytest.fixture
def pg_url() -> str:
    """A database that already holds lifecycle's tables."""
    return postgres.database(_server(), migrated=True)


@pytest.fixture
def empty_pg_url() -> str:
    return postgres.database(_server())


@pytest.fixture
def workflow(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def test_gates_and_signoff_on_postgres(pg_url: str, workflow: Path) -> None:
    scenario_gates_and_signoff(pg_url, workflow)


def test_journeys_and_escalations_on_postgres(pg_url: str, workflow: Path) -> None:
    scenario_journeys_and_escalations(pg_url, workflow)


def test_bad_input_changes_nothing_on_postgres(pg_url: str, workflow: Path) -> None:
    scenario_bad_input_changes_nothing(pg_url, workflow)


def test_two_processes_never_lose_a_write_on_postgres(pg_url: str, workflow: Path) -> None:
    scenario_two_processes(pg_url, workflow)


def test_audit_log_is_append_only_on_postgres(pg_url: str, workflow: Path) -> None:
    new_tracker(pg_url, workflow)
    engine = sa.create_engine(pg_url)
    try:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(sa.text("UPDATE audit_log SET actor = 'someone-else'"))
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM audit_log"))
    finally:
        engine.dispose()


def test_a_database_of_something_else_is_refused_on_postgres(empty_pg_url: str) -> None:
    engine = sa.create_engine(empty_pg_url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE customers (id integer primary key)"))
    engine.dispose()
    with pytest.raises(DatabaseError, match="is not a lifecycle database"):
        open_store(empty_pg_url)


def test_an_unknown_database_on_a_running_server_is_one_clear_error() -> None:
    server = postgres.server()
    if isinstance(server, str):
        pytest.skip(server)
    with pytest.raises(DatabaseError, match='database "nope" does not exist'):
        open_store(server.url("nope"))
