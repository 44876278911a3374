"""Database failures after opening: one line that says what to do, exit 1, no SQL.

Locked, read-only, full, damaged, values too long, in-memory URLs, and the
first-start race, on SQLite files and (where the case exists there) the real
PostgreSQL server the test run starts.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import random
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import postgres
import psycopg
import pytest
from backends import NewDatabase
from cli_run import run_cli, run_process
from fresh_commands import run_fresh
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from processes import CONTEXT, first_start
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from tracked import END, START, started, world

from lifecycle.diagnostics import LifecycleError
from lifecycle.store import DatabaseError, database_url, open_store
from lifecycle.store.limits import TooLong
from lifecycle.tracking import Tracker


def _no_sql(message: str) -> None:
    assert len(message.strip().splitlines()) == 1, message
    for leak in ("SELECT", "INSERT", "UPDATE", "BEGIN", "[SQL", "parameters"):
        assert leak not in message


def _start_args(workflow: Path, db: str, name: str = "acme") -> list[str]:
    return [
        "partnership", "start", name, "--workflow", str(workflow), "--db", db,
        "--as", "jlee", "--start", "2026-01-01", "--end", "2026-12-31",
    ]  # fmt: skip


# -- in-memory URLs ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://",
        "sqlite:///",
        "sqlite:///:memory:",
        "sqlite:///file::memory:?cache=shared",
        "sqlite:///file:x?mode=memory&uri=true",
    ],
)
def test_an_in_memory_database_is_refused_because_it_keeps_nothing(tmp_path: Path, url: str) -> None:
    result = run_cli(*_start_args(world(tmp_path), url))
    assert result.returncode == 1
    assert "keeps nothing" in result.stderr
    _no_sql(result.stderr)


# -- locked -----------------------------------------------------------------------


@contextlib.contextmanager
def _held(tmp_path: Path, *statements: str) -> Iterator[str]:
    """The database of a started partnership, held by another connection that ran ``statements``."""
    db = f"sqlite:///{tmp_path / 'x.db'}"
    started(db, world(tmp_path)).close()
    holder = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    try:
        for statement in statements:
            holder.execute(statement)
        yield db
    finally:
        holder.rollback()
        holder.close()


def test_a_locked_sqlite_database_gives_up_after_the_wait_set(tmp_path: Path) -> None:
    # The lock is held throughout: any wait ends in the refusal, a short one sooner.
    wait = {"LIFECYCLE_DB_WAIT": "0.05"}
    with _held(tmp_path, "BEGIN IMMEDIATE") as db:
        result = run_process("task", "start", "acme", "write-scope", "--as", "jlee", "--db", db, env=wait)
        # Reads are not held up by a writer.
        status = run_process("status", "acme", "--db", db, env=wait)
    assert result.returncode == 1
    assert "is locked by another process" in result.stderr
    assert "LIFECYCLE_DB_WAIT" in result.stderr
    _no_sql(result.stderr)
    assert status.returncode == 0, status.stderr


def test_a_database_locked_before_it_is_opened_says_so_once_for_reads_and_writes(tmp_path: Path) -> None:
    wait = {"LIFECYCLE_DB_WAIT": "0.05"}
    # Out of write-ahead mode, a writer's exclusive lock keeps out even the opening's first read.
    with _held(tmp_path, "PRAGMA journal_mode = DELETE", "BEGIN EXCLUSIVE") as db:
        write = run_cli("task", "start", "acme", "write-scope", "--as", "jlee", "--db", db, env=wait)
        read = run_cli("status", "acme", "--db", db, env=wait)
    line = (
        f"database {db} is locked by another process: gave up after waiting 0.05 s "
        "(set LIFECYCLE_DB_WAIT=SECONDS to wait longer)"
    )
    assert write.returncode == 1
    assert write.stderr.strip().splitlines() == [line + "; nothing was written"]
    # A read never meant to write: its line does not say that nothing was written.
    assert read.returncode == 1
    assert read.stderr.strip().splitlines() == [line]


def test_a_read_only_opening_of_a_locked_database_does_not_speak_of_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The full store (SQLAlchemy's) opened for reading, as the read path's fallback does.
    monkeypatch.setenv("LIFECYCLE_DB_WAIT", "0.05")
    with (
        _held(tmp_path, "PRAGMA journal_mode = DELETE", "BEGIN EXCLUSIVE") as db,
        pytest.raises(DatabaseError) as refused,
    ):
        open_store(db, readonly=True)
    assert str(refused.value) == (
        f"database {db} is locked by another process: gave up after waiting 0.05 s "
        "(set LIFECYCLE_DB_WAIT=SECONDS to wait longer)"
    )


@contextlib.contextmanager
def _partnerships_locked(url: str) -> Iterator[None]:
    """The ``partnerships`` table of the database at ``url`` locked by another connection meanwhile."""
    holder = Tracker(open_store(url))
    try:
        with holder.store.transaction(write=True) as session:
            session.execute(text("LOCK TABLE partnerships IN EXCLUSIVE MODE"))
            yield
    finally:
        holder.close()


def test_a_locked_postgresql_row_gives_up_after_the_wait_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = postgres.server()
    if isinstance(server, str):
        pytest.skip(server)
    url = postgres.database(server, migrated=True)
    workflow = world(tmp_path)
    started(url, workflow).close()
    # The lock is held throughout: any wait ends in the refusal, a short one sooner.
    monkeypatch.setenv("LIFECYCLE_DB_WAIT", "0.05")
    with _partnerships_locked(url):
        result = run_process("task", "start", "acme", "write-scope", "--as", "jlee", "--db", url)
    assert result.returncode == 1
    assert "is locked by another process" in result.stderr
    _no_sql(result.stderr)


def test_a_statement_the_server_cancels_is_not_called_a_lock(tmp_path: Path) -> None:
    server = postgres.server()
    if isinstance(server, str):
        pytest.skip(server)
    url = postgres.database(server, migrated=True)
    started(url, world(tmp_path)).close()
    name = make_url(url).database
    with psycopg.connect(
        f"host=127.0.0.1 port={server.port} user=postgres dbname=postgres", autocommit=True
    ) as admin:
        # The server's own timeout ends the wait for the lock first (lifecycle's is 30 s).
        admin.execute(f'ALTER DATABASE "{name}" SET statement_timeout = 200')
    with _partnerships_locked(url):
        result = run_cli("task", "start", "acme", "write-scope", "--as", "jlee", "--db", url)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"database {make_url(url).render_as_string(hide_password=True)}: the server canceled the statement "
        "(a statement_timeout set on the server or the login ran out, or an administrator canceled it); "
        "nothing was written"
    ]


def test_a_wait_that_is_not_a_number_of_seconds_is_refused(tmp_path: Path) -> None:
    workflow = world(tmp_path)
    result = run_cli(*_start_args(workflow, str(tmp_path / "x.db")), env={"LIFECYCLE_DB_WAIT": "soon"})
    assert result.returncode == 1
    assert "LIFECYCLE_DB_WAIT='soon' is not a number of seconds" in result.stderr


# -- read-only --------------------------------------------------------------------


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[None]:
    """Make ``path`` (a file or a folder) unwritable for this process, then writable again.

    Root ignores permission bits, so as root the file system's immutable flag does it.
    """
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: cannot make a file read-only")
    subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.mark.parametrize("locked_down", ["file", "folder"])
def test_a_read_only_database_reads_and_refuses_writes_clearly(tmp_path: Path, locked_down: str) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    workflow = world(tmp_path)
    path = folder / "x.db"
    started(database_url(str(path)), workflow).close()
    before = path.read_bytes()
    with _read_only(path if locked_down == "file" else folder):
        for reading in (["status", "acme"], ["log", "acme"], ["partnership", "list"]):
            result = run_cli(*reading, "--db", str(path))
            assert result.returncode == 0, (reading, result.stderr)
        write = run_cli("task", "start", "acme", "write-scope", "--as", "jlee", "--db", str(path))
    assert write.returncode == 1
    assert "read-only: reads work, writes are refused; check the file's permissions" in write.stderr
    _no_sql(write.stderr)
    assert path.read_bytes() == before


# -- disk full --------------------------------------------------------------------


def test_a_full_disk_is_reported_and_nothing_is_written(tmp_path: Path) -> None:
    workflow = world(tmp_path)
    db = f"sqlite:///{tmp_path / 'x.db'}"
    tracker = started(db, workflow)
    tracker.close()
    store = open_store(db)
    (pages,) = sqlite3.connect(tmp_path / "x.db").execute("PRAGMA page_count").fetchone()

    # SQLite's page limit is per connection: this one stands for a disk with no room left.
    @event.listens_for(store.engine, "connect")
    def _full(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    store.engine.dispose()
    tracker = Tracker(store)
    with pytest.raises(DatabaseError, match="is full: nothing was written") as raised:
        for number in range(200):
            tracker.start_partnership(f"p{number}", str(workflow), START, END, actor="jlee")
    _no_sql(str(raised.value))
    names = [p.name for p in tracker.partnerships()]
    tracker.close()
    # Every partnership is whole: its tasks and its audit entries made it in, or none of it did.
    check = Tracker(open_store(db))
    for name in names:
        _partnership, progress = check.progress(name)
        assert len(progress.tasks) == 5
        assert check.audit(name)
    check.close()


# -- corruption -------------------------------------------------------------------


def test_a_damaged_file_is_never_written_to(tmp_path: Path) -> None:
    workflow = world(tmp_path)
    path = tmp_path / "x.db"
    tracker = started(f"sqlite:///{path}", workflow)
    for number in range(60):
        tracker.start_partnership(f"p{number}", str(workflow), START, END, actor="jlee")
    tracker.close()
    data = bytearray(path.read_bytes())
    page = 4096
    middle = (len(data) // page // 2) * page
    # A whole page of noise: its header and cell pointers no longer describe a b-tree page.
    data[middle : middle + page] = random.Random(13).randbytes(page)
    path.write_bytes(bytes(data))
    # Each command from a cold start, for the start-up of one interpreter (see fresh_commands.py).
    result, log = run_fresh(
        [
            ["task", "start", "acme", "write-scope", "--as", "jlee", "--db", str(path)],
            ["log", "acme", "--db", str(path)],
        ]
    ).results
    assert result.returncode == 1
    assert "is damaged" in result.stderr
    assert "restore it from a backup" in result.stderr
    _no_sql(result.stderr)
    # A read that reaches the damaged page says the same, in one line.
    assert log.returncode == 1
    assert "is damaged (it cannot be read)" in log.stderr
    _no_sql(log.stderr)
    assert path.read_bytes() == bytes(data)


# -- too long ---------------------------------------------------------------------


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(extra=st.integers(min_value=1, max_value=300))
def test_a_name_too_long_is_refused_before_writing_on_both_backends(
    new_db: NewDatabase,
    tmp_path: Path,
    extra: int,
) -> None:
    workflow = world(tmp_path)
    url = new_db(migrated=True)
    tracker = started(url, workflow)
    with pytest.raises(TooLong, match=rf"partnerships.name .* has {200 + extra} characters, at most 200"):
        tracker.start_partnership("n" * (200 + extra), str(workflow), START, END, actor="jlee")
    assert [p.name for p in tracker.partnerships()] == ["acme"]
    tracker.close()


def test_a_name_at_the_limit_is_kept_whole(
    new_db: NewDatabase,
    tmp_path: Path,
) -> None:
    workflow = world(tmp_path)
    tracker = started(new_db(migrated=True), workflow, name="n" * 200)
    assert [p.name for p in tracker.partnerships()] == ["n" * 200]
    tracker.close()


def test_too_long_on_the_command_line_is_one_line_and_exit_1(tmp_path: Path) -> None:
    result = run_cli(*_start_args(world(tmp_path), str(tmp_path / "x.db"), name="x" * 201))
    assert result.returncode == 1
    assert "at most 200 are kept; nothing was written" in result.stderr
    _no_sql(result.stderr)
    assert isinstance(TooLong("x"), LifecycleError)


# -- the first-start race ---------------------------------------------------------


@pytest.mark.parametrize("same_name", [False, True])
def test_twelve_first_starts_on_a_new_database_all_succeed_or_say_already_exists(
    new_db: NewDatabase,
    tmp_path: Path,
    same_name: bool,
) -> None:
    workflow = str(world(tmp_path))
    url = new_db()
    results: multiprocessing.Queue[str] = CONTEXT.Queue()
    workers = [
        CONTEXT.Process(target=first_start, args=(url, workflow, "acme" if same_name else f"p{i}", results))
        for i in range(12)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(60)
    crashed = [o for o in outcomes if o != "ok" and "already exists" not in o]
    assert crashed == []
    assert outcomes.count("ok") == (1 if same_name else 12)


def test_an_empty_revision_table_is_reported_as_what_it_is(
    new_db: NewDatabase,
    tmp_path: Path,
) -> None:
    url = new_db(migrated=True)
    started(url, world(tmp_path)).close()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM alembic_version"))
    engine.dispose()
    with pytest.raises(DatabaseError, match="no schema revision \\(its alembic_version table is empty\\)"):
        open_store(url)


def test_a_lost_postgresql_connection_says_so_in_one_line(tmp_path: Path) -> None:
    server = postgres.server()
    if isinstance(server, str):
        pytest.skip(server)
    url = postgres.database(server, migrated=True)
    tracker = started(url, world(tmp_path))
    database = url.rsplit("/", 1)[1]
    admin = create_engine(server.url())
    with admin.begin() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :db AND pid <> pg_backend_pid()"
            ),
            {"db": database},
        )
    admin.dispose()
    with pytest.raises(DatabaseError, match=r"lost the connection .*check that the server is running"):
        tracker.partnerships()
    tracker.close()
