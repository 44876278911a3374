"""The studio's gates dashboard on a real database with two partnerships, opened
read-only: browsing it leaves the SQLite file byte-identical, and the connection
itself refuses writes (also on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from built_once import copy_sqlite
from starlette.testclient import TestClient
from studio_live import NEXT_DEADLINE, track_two, tracked_two

from lifecycle.store import DatabaseError
from lifecycle.studio import create_app
from lifecycle.studio.gates import open_read_only

ROOT = Path(__file__).resolve().parent.parent
PAYER = ROOT / "workflows" / "payer-cbo-partnership.yaml"


@pytest.fixture(scope="module")
def tracked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("gates")
    shutil.copy(PAYER, folder / "payer.yaml")
    return folder, tracked_two(tmp_path_factory)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_partnership_s_gates_at_a_glance_and_one_in_detail(tracked: tuple[Path, Path]) -> None:
    folder, db = tracked
    client = TestClient(create_app(str(folder), db=str(db), watch_files=False), base_url="http://127.0.0.1")
    assert client.get("/api/files").json()["gates"] is True
    rows = {row["name"]: row for row in client.get("/api/gates").json()["partnerships"]}
    assert sorted(rows) == ["lakeside", "riverside"]
    river, lake = rows["riverside"], rows["lakeside"]
    assert river["gates"][0]["met"] and river["gates"][0]["open_criteria"] == 0
    assert (
        not lake["gates"][0]["met"] and lake["gates"][0]["open_criteria"] == lake["gates"][0]["criteria"] > 0
    )
    assert lake["gates"][0]["current"]
    assert lake["open_escalations"] == 0 and lake["overdue_escalations"] == []
    assert river["gates"][0]["stale_signoffs"] == 0 and river["gates"][0]["untracked"] is None
    task, due, date = NEXT_DEADLINE
    for row in (lake, river):
        deadline = row["next_deadline"]
        assert (deadline["task"], deadline["due"], deadline["date"]) == (task, due, date.isoformat())
        assert deadline["overdue"] is (date < dt.date.today())
    detail = client.get("/api/gate", params={"partnership": "riverside"}).json()
    assert detail["met"] is True and detail["signoffs"]
    assert all(s["evidence"] == "reviewed in the JOC" for s in detail["signoffs"])
    assert any("shared drive" in e for c in detail["criteria"] for e in c["evidence"])
    open_gate = client.get("/api/gate", params={"partnership": "lakeside"}).json()
    assert open_gate["met"] is False and any(c["unmet"] for c in open_gate["criteria"])


def _folder(path: Path) -> dict[str, bytes]:
    return {file.name: file.read_bytes() for file in path.iterdir()}


def test_browsing_leaves_the_database_file_byte_identical(tracked: tuple[Path, Path], tmp_path: Path) -> None:
    folder, shared = tracked
    # A copy alone in a folder of its own, so that every file beside it can be compared.
    db = copy_sqlite(shared, tmp_path / "tracked.db")
    # The store's write-ahead mode (header bytes 18-19 are 2): a write would first land in
    # tracked.db-wal, and reach tracked.db only at a checkpoint, when the last connection closes.
    assert db.read_bytes()[18:20] == b"\x02\x02"
    before = _folder(tmp_path)
    assert list(before) == ["tracked.db"]
    # The with block runs the app's shutdown, which closes the studio's tracker.
    with TestClient(
        create_app(str(folder), db=str(db), watch_files=False), base_url="http://127.0.0.1"
    ) as client:
        for _ in range(2):
            assert client.get("/api/gates").status_code == 200
            for name in ("riverside", "lakeside"):
                assert client.get("/api/gate", params={"partnership": name}).status_code == 200
                phase = {"partnership": name, "phase": "pre-launch"}
                assert client.get("/api/gate", params=phase).status_code == 200
            assert client.get("/api/gate", params={"partnership": "nobody"}).status_code == 404
    after = _folder(tmp_path)
    assert after["tracked.db"] == before["tracked.db"]
    # SQLite's reader of a write-ahead database makes the -wal and -shm files when they are
    # missing and cannot remove them (it may not write): the log must hold no frame (not even
    # its 32-byte header) and no rollback journal may appear. The -shm file is SQLite's
    # index of the log in shared memory, not data.
    assert after.get("tracked.db-wal", b"") == b""
    assert set(after) <= {"tracked.db", "tracked.db-wal", "tracked.db-shm"}


def test_the_read_only_connection_refuses_writes(tracked: tuple[Path, Path]) -> None:
    folder, db = tracked
    before = _digest(db)
    tracker = open_read_only(str(db))
    try:
        with pytest.raises(DatabaseError, match=r"is read-only: reads work, writes are refused"):
            tracker.start_partnership(
                "intruder", str(folder / "payer.yaml"), dt.date(2026, 1, 1), dt.date(2026, 6, 1), actor="jlee"
            )
    finally:
        tracker.close()
    assert _digest(db) == before


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"partnership": "nobody"}, 404),
        ({"partnership": "riverside", "phase": "no-such-phase"}, 404),
        ({}, 400),
        ({"partnership": "riverside", "colour": "red"}, 400),
    ],
)
def test_a_bad_gate_request_gets_an_http_error(
    tracked: tuple[Path, Path], params: dict[str, str], status: int
) -> None:
    folder, db = tracked
    client = TestClient(create_app(str(folder), db=str(db), watch_files=False), base_url="http://127.0.0.1")
    response = client.get("/api/gate", params=params)
    assert response.status_code == status and response.json()["error"]


def test_a_missing_or_foreign_database_is_refused_with_one_line(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no lifecycle database"):
        open_read_only(str(tmp_path / "missing.db"))
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("create table pets (name text)")
    with pytest.raises(DatabaseError, match="not a lifecycle database"):
        open_read_only(str(other))
    with pytest.raises(DatabaseError, match="unsupported database"):
        open_read_only("mysql://localhost/x")


def test_the_dashboard_reads_postgresql_read_only(tmp_path: Path) -> None:
    import postgres

    server = postgres.server()
    if isinstance(server, str):
        pytest.skip(server)
    url = postgres.database(server, migrated=True)
    workflow = tmp_path / "payer.yaml"
    shutil.copy(PAYER, workflow)
    track_two(url, workflow)
    app = create_app(str(tmp_path), db=url, watch_files=False)
    with TestClient(app, base_url="http://127.0.0.1") as client:  # shut down after: its tracker closes
        names = [row["name"] for row in client.get("/api/gates").json()["partnerships"]]
    assert names == ["lakeside", "riverside"]
    tracker = open_read_only(url)
    try:
        with pytest.raises(DatabaseError, match=r"is read-only: reads work, writes are refused"):
            tracker.start_partnership(
                "intruder", str(workflow), dt.date(2026, 1, 1), dt.date(2026, 6, 1), actor="jlee"
            )
    finally:
        tracker.close()
