"""``open_store(url, readonly=True)``: the one opener, read-only, on both backends:
reads work, nothing is created, migrated or written, and a write is one line."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from backends import NewDatabase
from tracked import started, world

from lifecycle.store import DatabaseError, open_store
from lifecycle.tracking import Tracker


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_reads_work_and_writes_are_refused(new_db: NewDatabase, tmp_path: Path) -> None:
    url = new_db(migrated=True)
    started(url, world(tmp_path), phase="pre-launch").close()
    files = sorted(tmp_path.glob("*.db*"))
    before = {path.name: _digest(path) for path in files}
    tracker = Tracker(open_store(url, readonly=True))
    try:
        assert tracker.progress("acme")[1].tasks["it-onboarding"] == "todo"
        with pytest.raises(DatabaseError, match=r"is read-only: reads work, writes are refused"):
            tracker.change_tasks("acme", ["it-onboarding"], "start", actor="hit")
        # Past lifecycle, the database itself refuses.
        with tracker.store.engine.connect() as connection, pytest.raises(sa.exc.SQLAlchemyError):
            connection.execute(sa.text("UPDATE task_status SET note = 'x'"))
    finally:
        tracker.close()
    assert {path.name: _digest(path) for path in files} == before


def test_an_empty_database_is_refused_not_created(new_db: NewDatabase) -> None:
    url = new_db()
    if url.startswith("sqlite"):
        with pytest.raises(DatabaseError, match="no lifecycle database at"):
            open_store(url, create=True, readonly=True)
        assert not Path(url.removeprefix("sqlite:///")).exists()
        return
    with pytest.raises(DatabaseError, match="is empty: it holds no tracked partnership yet"):
        open_store(url, readonly=True)
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        assert sa.inspect(connection).get_table_names() == []
    engine.dispose()
