"""The commands that only read go through the database driver alone: they never
import SQLAlchemy, they answer exactly what the tracker's own (SQLAlchemy)
path answers, on SQLite and on PostgreSQL, they change nothing, and a database
they cannot read plainly gets the same one-line reasons as before."""

from __future__ import annotations

import contextlib
import shutil
import socket
import sqlite3
import threading
from pathlib import Path

import postgres
import pytest
from backends import NewDatabase
from fresh_commands import run_fresh, run_in_turn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pg_logins import as_login, login
from sqlalchemy.exc import IntegrityError as WrappedIntegrityError
from sqlalchemy.exc import OperationalError as WrappedOperationalError
from tracked import launched, world

from lifecycle.machine import TransitionRefused
from lifecycle.store import HEAD_REVISION, DatabaseError
from lifecycle.store.failures import explain
from lifecycle.store.identity import link
from lifecycle.tracking import Tracker
from lifecycle.tracking.integrity import verify_trail
from lifecycle.tracking.reads import Reader, open_reader

READ_COMMANDS = [
    ["status", "acme"],
    ["status", "acme", "--at", "2026-06-01"],
    ["gate", "check", "acme", "scoping"],
    ["log", "acme"],
    ["log", "acme", "--action", "task", "--format", "csv"],
    ["log", "acme", "--format", "events"],
    ["partnership", "list"],
    ["escalate", "list", "acme"],
    ["journey", "list", "acme"],
    ["audit", "verify"],
    ["audit", "head", "acme"],
]


def _busy(url: str, folder: Path) -> Tracker:
    """A partnership past launch, with a member moved, an escalation up a level
    and one resolved, and a refused change in its audit trail."""
    tracker = launched(url, world(folder))
    tracker.start_journey("acme", "member", "M-1", actor="jlee")
    tracker.move_journey("acme", "member", "M-1", "intake", actor="jlee")
    number, _ = tracker.open_escalation("acme", "barrier", "ticket 1", actor="intake")
    tracker.move_escalation("acme", number, "escalate", actor="intake")
    second, _ = tracker.open_escalation("acme", "barrier", "ticket 2", actor="intake")
    tracker.move_escalation("acme", second, "resolve", actor="intake")
    with pytest.raises(TransitionRefused):
        tracker.change_tasks("acme", ["review-quarter"], "start", actor="intake")
    return tracker


def test_read_commands_never_import_sqlalchemy(new_db: NewDatabase, tmp_path: Path) -> None:
    url = new_db(migrated=True)
    _busy(url, tmp_path).close()
    # Each from a cold start, in a fork of one new interpreter (see fresh_commands.py); every
    # command on PostgreSQL imports its driver, so the interpreter imports it once for all.
    driver = ["psycopg"] if url.startswith("postgresql") else []
    ran = run_fresh([[*args, "--db", url] for args in READ_COMMANDS], preload=driver)
    for args, result in zip(READ_COMMANDS, ran.results, strict=True):
        assert result.returncode in (0, 1), (args, result.stderr)
        assert result.stdout.strip(), args
    assert ran.first_importer("sqlalchemy") is None, f"imported by {ran.first_importer('sqlalchemy')}"


def test_the_reader_answers_what_the_tracker_answers(new_db: NewDatabase, tmp_path: Path) -> None:
    url = new_db(migrated=True)
    tracker = _busy(url, tmp_path)
    reader = open_reader(url)
    try:
        assert isinstance(reader, Reader)
        assert reader.partnerships() == tracker.partnerships()
        assert reader.progress("acme") == tracker.progress("acme")
        assert reader.check_gate("acme", "pre-launch") == tracker.check_gate("acme", "pre-launch")
        assert reader.escalations("acme") == tracker.escalations("acme")
        assert len(reader.escalations("acme")) == 2
        assert reader.journeys("acme") == tracker.journeys("acme")
        trail = reader.audit("acme")
        assert trail == tracker.audit("acme")
        assert {"ok", "refused"} <= {entry.outcome for entry in trail}
        assert reader.evidence_texts("acme") == tracker.evidence_texts("acme")
        verified = verify_trail(reader, "acme")
        assert verified.intact and verified == verify_trail(tracker, "acme")
        since = trail[len(trail) // 2].at
        assert reader.audit("acme", since=since) == tracker.audit("acme", since=since)
        assert reader.audit("acme", since=since) == [entry for entry in trail if entry.at >= since]
    finally:
        reader.close()
        tracker.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    action=st.one_of(
        st.sampled_from(["task", "task.", "task.done", "tas", "gate", "escalation", "journey.move"]),
        st.text(alphabet="task._%/\\", min_size=1, max_size=8),
    )
)
def test_an_action_filter_is_an_action_or_its_family_taken_literally(
    new_db: NewDatabase,
    tmp_path: Path,
    action: str,
) -> None:
    url = _shared(new_db, tmp_path)
    reader = open_reader(url)
    try:
        everything = reader.audit("acme")
        wanted = [e for e in everything if e.action == action or e.action.startswith(action + ".")]
        assert reader.audit("acme", action=action) == wanted
    finally:
        reader.close()


_SHARED: dict[str, str] = {}


def _shared(new_db: NewDatabase, folder: Path) -> str:
    # One busy database per backend for every example: the examples only read.
    key = str(folder)
    if key not in _SHARED:
        url = new_db(migrated=True)
        _busy(url, folder).close()
        _SHARED[key] = url
    return _SHARED[key]


def _copy(migrated_sqlite: Path, folder: Path) -> Path:
    # These tests are about reading: they start from a copy of a database migrated once per run.
    path = folder / "t.db"
    shutil.copyfile(migrated_sqlite, path)
    return path


def test_reading_leaves_the_sqlite_file_byte_identical(tmp_path: Path, migrated_sqlite: Path) -> None:
    path = _copy(migrated_sqlite, tmp_path)
    url = f"sqlite:///{path}"
    _busy(url, tmp_path).close()
    before = path.read_bytes()
    # The subject is the file, not how each command starts: one interpreter runs them all.
    run_in_turn([[*args, "--db", url] for args in READ_COMMANDS])
    assert path.read_bytes() == before


def _one_line_errors(*urls: str) -> list[str]:
    """The one-line error of ``lifecycle status acme --db URL`` for each of ``urls``,
    each from a cold start (see fresh_commands.py)."""
    ran = run_fresh([["status", "acme", "--db", url] for url in urls])
    lines = []
    for result in ran.results:
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        error = result.stderr.strip().splitlines()
        assert len(error) == 1, result.stderr
        lines.append(error[0])
    return lines


def _one_line_error(url: str) -> str:
    (line,) = _one_line_errors(url)
    return line


def test_a_database_that_is_not_plain_gets_the_full_checks_reasons(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database at all" * 100)
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE members (name TEXT)")
    cases = {
        f"sqlite:///{missing}": f"no lifecycle database at {missing}",
        f"sqlite:///{garbage}": "file is not a database",
        f"sqlite:///{empty}": "is empty: it holds no tracked partnership yet",
        f"sqlite:///{other}": "is not a lifecycle database (it holds other tables: members)",
        f"sqlite:///{tmp_path}": "is a folder",
        "sqlite://": "in-memory database",
        "mysql://someone@localhost/db": "unsupported database",
    }
    for (url, expected), line in zip(cases.items(), _one_line_errors(*cases), strict=True):
        assert expected in line, url
    assert garbage.read_bytes() == b"this is not a database at all" * 100


def test_an_unreachable_server_is_tried_once_and_named_in_one_line() -> None:
    # A server that hangs up on every connection, counting them.
    attempts = []
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]

        def hang_up() -> None:
            with contextlib.suppress(OSError):
                while True:
                    connection, _ = server.accept()
                    attempts.append(1)
                    connection.close()

        threading.Thread(target=hang_up, daemon=True).start()
        url = f"postgresql://someone:secret@127.0.0.1:{port}/tracking?sslmode=disable"
        line = _one_line_error(url)
    assert line.startswith(f"cannot use database postgresql+psycopg://someone:***@127.0.0.1:{port}/tracking")
    assert "secret" not in line
    assert len(attempts) == 1


def test_an_older_schema_is_sent_to_db_upgrade(tmp_path: Path, migrated_sqlite: Path) -> None:
    path = _copy(migrated_sqlite, tmp_path)
    url = f"sqlite:///{path}"
    _busy(url, tmp_path).close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0005'")
    assert _one_line_error(url).endswith("has schema revision 0005: run `lifecycle db upgrade` first")
    assert HEAD_REVISION != "0005"


def test_a_driver_error_reads_the_same_wrapped_or_not(tmp_path: Path) -> None:
    shown = "sqlite:////x.db"
    for error, wrapped in (
        (sqlite3.OperationalError("database is locked"), WrappedOperationalError),
        (sqlite3.IntegrityError("UNIQUE constraint failed: t.x"), WrappedIntegrityError),
        (sqlite3.DatabaseError("database disk image is malformed"), WrappedOperationalError),
    ):
        plain = explain(error, shown, wait=3)
        assert plain == explain(wrapped("SELECT 1", {}, error), shown, wait=3)
        assert shown in plain and "SELECT" not in plain
    assert "locked by another process: gave up after waiting 3 s" in explain(
        sqlite3.OperationalError("database is locked"), shown, wait=3
    )
    assert "already exists" in explain(sqlite3.IntegrityError("UNIQUE constraint failed"), shown, wait=3)


def test_a_locked_database_is_refused_in_one_line(tmp_path: Path, migrated_sqlite: Path) -> None:
    path = _copy(migrated_sqlite, tmp_path)
    url = f"sqlite:///{path}"
    _busy(url, tmp_path).close()
    with sqlite3.connect(path, isolation_level=None) as holder:
        # Out of write-ahead mode, a writer's exclusive lock keeps readers out.
        holder.execute("PRAGMA journal_mode = DELETE")
        holder.execute("BEGIN EXCLUSIVE")
        # The lock is held throughout: any wait ends in the refusal, a short one sooner.
        ran = run_fresh([["log", "acme", "--db", url]], env={"LIFECYCLE_DB_WAIT": "0.05"})
        holder.execute("ROLLBACK")
    (result,) = ran.results
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"database {url} is locked by another process: gave up after waiting 0.05 s "
        "(set LIFECYCLE_DB_WAIT=SECONDS to wait longer)"
    ]
    # The read path says so itself: the full opening (SQLAlchemy's) would wait twice more.
    assert ran.first_importer("sqlalchemy") is None


def test_a_store_that_is_not_plain_still_reads(tmp_path: Path, migrated_sqlite: Path) -> None:
    # The driver alone reads "sqlite:///" only: a URL naming another dialect or
    # driver falls back to a read-only tracker, which answers as the plain reader does.
    path = _copy(migrated_sqlite, tmp_path)
    plain_url, other_url = f"sqlite:///{path}", f"sqlite+pysqlite:///{path}"
    _busy(plain_url, tmp_path).close()
    plain, fallback = open_reader(plain_url), open_reader(other_url)
    try:
        assert isinstance(plain, Reader)
        assert isinstance(fallback, Tracker) and not isinstance(fallback, Reader)
        assert fallback.partnerships() == plain.partnerships()
        assert fallback.progress("acme") == plain.progress("acme")
        assert fallback.check_gate("acme") == plain.check_gate("acme")
        assert fallback.check_gate("acme", "pre-launch") == plain.check_gate("acme", "pre-launch")
        assert fallback.escalations("acme") == plain.escalations("acme")
        assert fallback.journeys("acme") == plain.journeys("acme")
        assert fallback.audit("acme") == plain.audit("acme")
        assert len(plain.audit("acme")) > 10
        assert fallback.evidence_texts("acme") == plain.evidence_texts("acme")
    finally:
        plain.close()
        fallback.close()
    # What a user sees: every read command prints the same through either URL.
    commands = [[*args, "--db", url] for url in (plain_url, other_url) for args in READ_COMMANDS]
    results = run_in_turn(commands)
    through_plain, through_other = results[: len(READ_COMMANDS)], results[len(READ_COMMANDS) :]
    for args, one, other in zip(READ_COMMANDS, through_plain, through_other, strict=True):
        assert one.returncode in (0, 1), (args, one.stderr)
        seen = (other.returncode, other.stdout, other.stderr)
        assert seen == (one.returncode, one.stdout, one.stderr), args


def test_the_read_path_writes_nothing_even_when_asked(new_db: NewDatabase, tmp_path: Path) -> None:
    url = new_db(migrated=True)
    _busy(url, tmp_path).close()
    reader = open_reader(url)
    try:
        assert isinstance(reader, Reader)
        refused = pytest.raises(DatabaseError, match=r"is read-only: reads work, writes are refused")
        with refused, reader.reading() as db:
            db.rows("DELETE FROM evidence")
        assert reader.evidence_texts("acme")
    finally:
        reader.close()


def test_a_linked_login_reads_what_the_owner_reads(tmp_path: Path) -> None:
    # Row security (migrations 0005, 0006) lets every login read every row, and
    # holds writes only: the read path reads as the login, as the tracker did.
    server = postgres.server()
    if isinstance(server, str):
        pytest.skip(server)
    url = postgres.database(server, migrated=True)
    owner = _busy(url, tmp_path)
    with login(url) as linked, login(url) as unlinked:
        link(url, "intake", linked)
        for name in (linked, unlinked):
            reader = open_reader(as_login(url, name))
            try:
                assert isinstance(reader, Reader)
                assert reader.audit("acme") == owner.audit("acme")
                assert reader.escalations("acme") == owner.escalations("acme")
                assert reader.progress("acme") == owner.progress("acme")
            finally:
                reader.close()
        ran = run_fresh([["status", "acme", "--db", as_login(url, linked)]])
        (result,) = ran.results
        assert result.returncode == 0, result.stderr
        assert "current phase: implementation" in result.stdout
        assert ran.first_importer("sqlalchemy") is None
    owner.close()
