"""The tracking database: created on first use, refused when it is not ours."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cli_run import run_cli as lifecycle

from lifecycle.store import DatabaseError, database_url, open_store, upgrade


def test_a_new_database_is_created_with_the_migrations(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    store = open_store(database_url(str(path)), create=True)
    store.close()
    with sqlite3.connect(path) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    assert {
        "partnerships",
        "task_status",
        "signoffs",
        "journey_instances",
        "escalations",
        "audit_log",
    } <= tables
    assert revision == "0006"


def test_db_upgrade_command_creates_and_reports_the_revision(tmp_path: Path) -> None:
    result = lifecycle("db", "upgrade", "--db", str(tmp_path / "x.db"))
    assert result.returncode == 0
    assert result.stdout == "database at schema revision 0006\n"
    assert lifecycle("db", "upgrade", "--db", str(tmp_path / "x.db")).returncode == 0


def test_default_database_sits_beside_the_workflow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIFECYCLE_DB", raising=False)
    assert database_url(workflow=tmp_path / "w.yaml") == f"sqlite:///{tmp_path / 'lifecycle.db'}"
    monkeypatch.setenv("LIFECYCLE_DB", "postgresql://u@h/db")
    assert database_url(workflow=tmp_path / "w.yaml") == "postgresql://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is a text file, not a database\n" * 100, "file is not a database"),
        (b"SQLite format 3\x00" + b"\xff" * 4000, "cannot use database"),
    ],
)
def test_a_file_that_is_not_a_database_is_refused_and_left_alone(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(DatabaseError, match=message):
        open_store(database_url(str(path)))
    with pytest.raises(DatabaseError, match=message):
        upgrade(database_url(str(path)))
    assert path.read_bytes() == content
    result = lifecycle("partnership", "list", "--db", str(path))
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr


def test_another_applications_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
    with pytest.raises(DatabaseError, match=r"is not a lifecycle database .*customers"):
        open_store(database_url(str(path)), create=True)


def test_missing_file_is_not_created_by_a_read(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    with pytest.raises(DatabaseError, match="no lifecycle database at"):
        open_store(database_url(str(path)))
    assert not path.exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nonsense://", "unsupported database"),
        ("postgresql://:::", "invalid database URL"),
        (
            "postgresql://postgres:secret@127.0.0.1:1/db",
            "cannot use database postgresql+psycopg://postgres:***@",
        ),
        (f"sqlite:///{Path('/no/such/folder/x.db')}", "folder /no/such/folder does not exist"),
    ],
)
def test_bad_urls_say_what_is_wrong(url: str, message: str) -> None:
    with pytest.raises(DatabaseError, match=message.replace("*", r"\*").replace("+", r"\+")):
        open_store(url, create=True)
