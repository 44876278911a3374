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
from lifecycle.tracking import Tracker


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


def _sessions(url: str) -> int:
    """How many connections are open on ``url``'s database (this query's is on another)."""
    engine = sa.create_engine(_server().url())
    try:
        with engine.connect() as admin:
            return int(
                admin.execute(
                    sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = :db"),
                    {"db": url.rsplit("/", 1)[1]},
                ).scalar_one()
            )
    finally:
        engine.dispose()


def test_commands_and_a_tracker_in_a_with_block_leave_no_connection_open(
    pg_url: str, workflow: Path, run_cli
) -> None:
    # A command run by a longer-lived process (a script calling main(), the tests) closes what
    # it opened when it ends; at exit a connection left open is dropped without a goodbye.
    db = ["--db", pg_url]
    started = run_cli(
        "partnership", "start", "acme", "--workflow", str(workflow),
        "--start", "2026-01-01", "--end", "2026-12-31", "--as", "jlee", *db,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
    assert run_cli("task", "start", "acme", "write-scope", "--as", "jlee", *db).returncode == 0
    assert run_cli("status", "acme", *db).returncode == 0
    assert _sessions(pg_url) == 0
    with Tracker.open(pg_url) as tracker:
        assert [row.name for row in tracker.partnerships()] == ["acme"]
        assert _sessions(pg_url) == 1
    assert _sessions(pg_url) == 0
