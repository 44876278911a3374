"""The audit trail is tamper-evident: every way around it is blocked or detected,
on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from tracked import END, START, WORLD, launched, world

from lifecycle.cli import cli
from lifecycle.diagnostics import LifecycleError
from lifecycle.store import open_store
from lifecycle.store.tables import AuditEntry, BrokenChain
from lifecycle.tracking import Tracker
from lifecycle.tracking.integrity import verify_trail

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = str(ROOT / "workflows" / "payer-cbo-partnership.yaml")
DSO = "gkim"


@pytest.fixture
def url(new_db) -> str:
    return new_db(migrated=True)


@pytest.fixture
def tracker(url) -> Tracker:
    tracker = Tracker(open_store(url, create=True))
    tracker.start_partnership("riverside", WORKFLOW, dt.date(2026, 1, 1), dt.date(2026, 12, 31), actor="jlee")
    tracker.start_partnership("eastside", WORKFLOW, dt.date(2026, 1, 1), dt.date(2026, 12, 31), actor="jlee")
    tracker.change_tasks("riverside", ["identify-partner"], "start", actor="rchen")
    with pytest.raises(LifecycleError):  # refused (its predecessor is not done) and logged
        tracker.change_tasks("riverside", ["initiate-security-conversation"], "start", actor=DSO)
    yield tracker
    tracker.close()


def _sql(tracker: Tracker, *statements: str) -> None:
    with tracker.store.engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)


def _ids(tracker: Tracker) -> list[int]:
    with tracker.store.engine.connect() as connection:
        return list(connection.scalars(sa.select(AuditEntry.id).order_by(AuditEntry.id)))


def _lift_guards(tracker: Tracker) -> None:
    if tracker.store.engine.dialect.name == "sqlite":
        _sql(tracker, "DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete")
    else:
        _sql(tracker, "ALTER TABLE audit_log DISABLE TRIGGER USER")


def test_an_untouched_trail_verifies_with_its_head(tracker):
    report = verify_trail(tracker)
    assert report.intact and report.missing_guards == set()
    assert report.chains["riverside"].entries >= 3 and len(report.chains["riverside"].head) == 64
    head = report.chains["riverside"].head
    tracker.change_tasks("riverside", ["initiate-security-conversation"], "block", actor=DSO)
    later = verify_trail(tracker, "riverside", expected_head=head)
    assert later.intact and later.chains["riverside"].head != head


def test_update_delete_replace_and_truncate_are_refused_by_the_database(tracker):
    first = _ids(tracker)[0]
    refused = [
        f"UPDATE audit_log SET detail = 'forged' WHERE id = {first}",
        f"DELETE FROM audit_log WHERE id = {first}",
    ]
    if tracker.store.engine.dialect.name == "sqlite":
        refused += [
            f"INSERT OR REPLACE INTO audit_log (id, partnership_id, at, actor, action, subject, outcome) "
            f"VALUES ({first}, 1, '2026-01-01 00:00:00', 'x', 'y', 'z', 'ok')",
            f"REPLACE INTO audit_log (id, partnership_id, at, actor, action, subject, outcome) "
            f"VALUES ({first}, 1, '2026-01-01 00:00:00', 'x', 'y', 'z', 'ok')",
        ]
    else:
        refused.append("TRUNCATE audit_log")
    for statement in refused:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            _sql(tracker, statement)
    if tracker.store.engine.dialect.name == "sqlite":
        replace = sa.insert(AuditEntry.__table__).prefix_with("OR REPLACE")
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), tracker.store.engine.begin() as c:
            c.execute(
                replace.values(
                    id=first,
                    partnership_id=1,
                    at=dt.datetime(2026, 1, 1),
                    actor="x",
                    action="y",
                    subject="z",
                    outcome="ok",
                )
            )
    assert verify_trail(tracker).intact


def test_a_rewritten_entry_is_found(tracker):
    _lift_guards(tracker)
    second = _riverside_ids(tracker)[1]
    _sql(tracker, f"UPDATE audit_log SET detail = 'forged' WHERE id = {second}")
    _restore_guards(tracker)
    report = verify_trail(tracker, "riverside")
    assert not report.intact
    assert report.chains["riverside"].problem == f"entry {second} was changed after it was written"


def test_a_deleted_entry_is_found(tracker):
    _lift_guards(tracker)
    riverside = _riverside_ids(tracker)
    _sql(tracker, f"DELETE FROM audit_log WHERE id = {riverside[1]}")
    _restore_guards(tracker)
    problem = verify_trail(tracker, "riverside").chains["riverside"].problem
    assert problem == (
        f"entry {riverside[2]} does not follow the entry before it "
        "(an entry was deleted, or another slipped in)"
    )


def test_a_forged_insert_is_found(tracker):
    entries = _riverside_ids(tracker)
    _sql(
        tracker,
        "INSERT INTO audit_log (partnership_id, at, actor, action, subject, outcome, prev_hash, hash) "
        f"SELECT partnership_id, at, 'mallory', 'advance', 'launch', 'ok', hash, '{'0' * 64}' "
        f"FROM audit_log WHERE id = {entries[-1]}",
    )
    problem = verify_trail(tracker, "riverside").chains["riverside"].problem
    assert problem is not None and "was changed after it was written" in problem
    with pytest.raises(BrokenChain, match="does not match its seal"):
        tracker.change_tasks("riverside", ["identify-partner"], "start", actor="rchen")


def test_a_cut_off_tail_shows_against_the_recorded_head(tracker):
    head = verify_trail(tracker, "riverside").chains["riverside"].head
    _lift_guards(tracker)
    _sql(tracker, f"DELETE FROM audit_log WHERE id = {_riverside_ids(tracker)[-1]}")
    _restore_guards(tracker)
    assert verify_trail(tracker, "riverside").intact  # consistent on its own ...
    cut = verify_trail(tracker, "riverside", expected_head=head)
    assert cut.chains["riverside"].problem == (
        f"the trail no longer passes through head {head} (cut off or rewritten)"
    )


def _rebase(tracker: Tracker, workflow: Path) -> list[str]:
    """Rebase "acme" on its workflow with a task added, so that it has something to do."""
    added = "      new-task: {title: New task, owner: plan-poc}\n      review-quarter:"
    world(workflow.parent, WORLD.replace("      review-quarter:", added))
    return tracker.rebase("acme", actor="jlee")


# Every kind of write the tracker makes, each one that succeeds while the guards stand
# (but the last, refused and logged): on "acme" (launched, member M-1 at its first step,
# escalation 1 open), "second" (at scoping) and "ready" (its scoping gate met).
WRITES: dict[str, Callable[[Tracker, Path], object]] = {
    "start a partnership": lambda t, w: t.start_partnership("third", str(w), START, END, actor="jlee"),
    "change a task": lambda t, w: t.change_tasks("acme", ["review-quarter"], "start", actor="jlee"),
    "record evidence": lambda t, w: t.record_evidence("acme", "contract", "signed.pdf", actor="jlee"),
    "sign off": lambda t, w: t.sign_off("second", "scoping", actor="jlee", evidence="reviewed"),
    "start a journey": lambda t, w: t.start_journey("acme", "member", "M-2", actor="jlee"),
    "move a journey": lambda t, w: t.move_journey("acme", "member", "M-1", "intake", actor="jlee"),
    "open an escalation": lambda t, w: t.open_escalation("acme", "barrier", "ticket 2", actor="intake"),
    "move an escalation": lambda t, w: t.move_escalation("acme", 1, "escalate", actor="intake"),
    "rebase": _rebase,
    "advance": lambda t, w: t.advance("ready", actor="jlee"),
    "a refused change": lambda t, w: t.change_tasks("acme", ["review-quarter"], "start", actor="intake"),
}


def _everything(tracker: Tracker) -> dict[str, list[str]]:
    """Every row of every table: partnerships, task states, evidence, sign-offs,
    journeys, escalations and the audit trail."""
    with tracker.store.engine.connect() as connection:
        names = sa.inspect(connection).get_table_names()
        return {
            name: sorted(repr(tuple(row)) for row in connection.exec_driver_sql(f"SELECT * FROM {name}"))
            for name in names
        }


@pytest.mark.parametrize("kind", WRITES)
def test_missing_guards_are_reported_and_block_every_write(new_db, tmp_path: Path, kind: str) -> None:
    workflow = world(tmp_path)
    tracker = launched(new_db(migrated=True), workflow)
    tracker.start_partnership("second", str(workflow), START, END, actor="jlee")
    tracker.start_journey("acme", "member", "M-1", actor="jlee")
    tracker.open_escalation("acme", "barrier", "ticket 1", actor="intake")
    tracker.start_partnership("ready", str(workflow), START, END, actor="jlee")
    for task, evidence in (("write-scope", None), ("sign-contract", "contract.pdf")):
        tracker.change_tasks("ready", [task], "start", actor="jlee")
        tracker.change_tasks("ready", [task], "done", actor="jlee", evidence=evidence)
    tracker.sign_off("ready", "scoping", actor="jlee", evidence="signed")
    _lift_guards(tracker)
    report = verify_trail(tracker)
    assert not report.intact and report.missing_guards
    before = _everything(tracker)
    assert before["audit_log"] and before["signoffs"] and before["journey_instances"]
    with pytest.raises(BrokenChain, match="guards are gone"):
        WRITES[kind](tracker, workflow)
    assert _everything(tracker) == before


def test_the_audit_commands_exit_0_when_intact_and_1_naming_the_break(tracker, url, runner):
    ok = runner.invoke(cli, ["audit", "verify", "--db", url])
    assert ok.exit_code == 0, ok.output
    assert "riverside: intact" in ok.output and "eastside: intact" in ok.output
    head = runner.invoke(cli, ["audit", "head", "riverside", "--db", url])
    assert head.exit_code == 0 and len(head.output.strip()) == 64
    _lift_guards(tracker)
    _sql(tracker, f"UPDATE audit_log SET actor = 'mallory' WHERE id = {_riverside_ids(tracker)[0]}")
    broken = runner.invoke(cli, ["audit", "verify", "riverside", "--db", url])
    assert broken.exit_code == 1
    assert "riverside: BROKEN: entry" in broken.output and "guards are missing or disabled" in broken.output


def _riverside_ids(tracker: Tracker) -> list[int]:
    with tracker.store.engine.connect() as connection:
        pid = connection.scalar(sa.text("SELECT id FROM partnerships WHERE name = 'riverside'"))
        query = sa.select(AuditEntry.id).where(AuditEntry.partnership_id == pid).order_by(AuditEntry.id)
        return list(connection.scalars(query))


def _restore_guards(tracker: Tracker) -> None:
    if tracker.store.engine.dialect.name == "sqlite":
        _sql(
            tracker,
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
            "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
        )
    else:
        _sql(tracker, "ALTER TABLE audit_log ENABLE TRIGGER USER")


def test_a_database_from_before_the_chain_is_sealed_on_upgrade(new_db):
    from alembic import command
    from alembic.config import Config

    from lifecycle.store import _MIGRATIONS, upgrade

    url = new_db()  # empty: migrated here to 0001 only

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.exec_driver_sql(
            "INSERT INTO partnerships (id, name, workflow_id, workflow_path, workflow_hash, parties, "
            "contract_start, contract_end, phase, created_at, version) VALUES (1, 'old', 'w', 'w.yaml', "
            "'h', '[]', '2026-01-01', '2026-12-31', 'exploration', '2026-01-01 00:00:00', 1)"
        )
        for number in range(3):
            connection.exec_driver_sql(
                "INSERT INTO audit_log (partnership_id, at, actor, action, subject, outcome) "
                f"VALUES (1, '2026-01-0{number + 1} 09:00:00', 'jlee', 'task.start', 't{number}', 'ok')"
            )
    engine.dispose()
    assert upgrade(url) == "0006"
    store = open_store(url)
    report = verify_trail(Tracker(store))
    assert report.intact and report.chains["old"].entries == 3
    store.close()
