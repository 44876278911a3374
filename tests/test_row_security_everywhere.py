"""Row-level security on every table a login can write (migration 0006): raw SQL
by a login whose person has no power over a row changes nothing or is refused,
the tracker's own path still works for each person, acting for anyone needs a
reason in the audit log, and a task is done only after it was started."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import postgres
import psycopg
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from pg_logins import as_login, login, raw
from sqlalchemy.engine import make_url
from tracked import launched, world

import lifecycle.store
from lifecycle.store import open_store, upgrade
from lifecycle.store.identity import link
from lifecycle.tracking import Tracker
from lifecycle.tracking.workflows import file_hash

MIGRATIONS = Path(lifecycle.store.__file__).with_name("migrations")

PEOPLE = ("hit", "intake", "jlee", "fac")
"""The hospital's IT lead, the CBO's intake coordinator, the plan's point of
contact, and the facilitator (who may act for anyone, with a reason)."""

Refused = (psycopg.errors.InsufficientPrivilege, psycopg.errors.CheckViolation)


@pytest.fixture
def acme(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A launched partnership with member REF-1 at step identify and escalation #1
    at level 1, and a linked login for each of :data:`PEOPLE`."""
    server = postgres.server()
    if isinstance(server, str):
        pytest.skip(server)
    url = postgres.database(server, migrated=True)
    tracker = launched(url, world(tmp_path))
    tracker.start_journey("acme", "member", "REF-1", actor="jlee")
    tracker.open_escalation("acme", "barrier", "T-1", actor="intake")
    tracker.close()
    with ExitStack() as stack:
        logins = {person: stack.enter_context(login(url)) for person in PEOPLE}
        for person, name in logins.items():
            link(url, person, name)
        yield url, logins


def _tracker(url: str, name: str) -> Tracker:
    return Tracker(open_store(as_login(url, name)))


def _one(url: str, sql: str) -> object:
    """The first value ``sql`` reads, as the superuser."""
    parsed = make_url(url)
    with psycopg.connect(
        f"host={parsed.host} port={parsed.port} user=postgres dbname={parsed.database}"
    ) as conn:
        row = conn.execute(sql).fetchone()
        return row[0] if row else None


def test_journeys_move_only_for_the_steps_owners(acme: tuple[str, dict[str, str]]) -> None:
    url, who = acme
    to_intake = "UPDATE journey_instances SET step = 'intake' WHERE member_key = 'REF-1'"
    # The hospital's IT lead owns neither identify nor the step it leads to.
    assert raw(url, who["hit"], to_intake) == 0
    assert raw(url, who["hit"], "DELETE FROM journey_instances") == 0
    with pytest.raises(Refused, match="row-level security policy"):
        raw(
            url,
            who["hit"],
            "INSERT INTO journey_instances (partnership_id, journey_id, member_key, episode, step, "
            "started_at, updated_at) VALUES (1, 'member', 'REF-2', 1, 'identify', now(), now())",
        )
    # Intake owns the next step, but there is no link from identify straight to serve.
    with pytest.raises(Refused, match="no move from identify to serve"):
        raw(url, who["intake"], "UPDATE journey_instances SET step = 'serve' WHERE member_key = 'REF-1'")
    with pytest.raises(Refused, match="changes only a journey's step"):
        raw(url, who["intake"], "UPDATE journey_instances SET member_key = 'REF-9'")
    # Nobody but the administrator deletes, not even the step's owner.
    assert raw(url, who["jlee"], "DELETE FROM journey_instances") == 0
    assert _one(url, "SELECT step FROM journey_instances WHERE member_key = 'REF-1'") == "identify"
    # Taking up the handoff is the intake coordinator's move to make.
    assert raw(url, who["intake"], to_intake) == 1


def test_escalations_move_only_at_the_levels_held(acme: tuple[str, dict[str, str]]) -> None:
    url, who = acme
    assert raw(url, who["hit"], "UPDATE escalations SET state = 'resolved'") == 0
    assert raw(url, who["intake"], "DELETE FROM escalations") == 0
    with pytest.raises(Refused, match="row-level security policy"):
        raw(
            url,
            who["hit"],
            "INSERT INTO escalations (partnership_id, path_id, subject, state, opened_by, opened_at, "
            "updated_at) VALUES (1, 'barrier', 'T-2', 'level-1', 'hit', now(), now())",
        )
    with pytest.raises(Refused, match="row-level security policy"):
        raw(
            url,
            who["intake"],
            "INSERT INTO escalations (partnership_id, path_id, subject, state, opened_by, opened_at, "
            "updated_at) VALUES (1, 'barrier', 'T-2', 'level-1', 'jlee', now(), now())",
        )
    with pytest.raises(Refused, match="does not go from level-1 to level-3"):
        raw(url, who["intake"], "UPDATE escalations SET state = 'level-3'")
    with pytest.raises(Refused, match="changes only an escalation's state"):
        raw(url, who["intake"], "UPDATE escalations SET subject = 'T-9'")
    assert raw(url, who["intake"], "UPDATE escalations SET state = 'level-2'") == 1
    # At level 2 (cbo-pm) it is out of the intake coordinator's reach, not of the plan's.
    assert raw(url, who["intake"], "UPDATE escalations SET state = 'resolved'") == 0
    assert raw(url, who["jlee"], "UPDATE escalations SET state = 'resolved'") == 1
    with pytest.raises(Refused, match="does not go from resolved to level-1"):
        raw(url, who["jlee"], "UPDATE escalations SET state = 'level-1'")


def test_evidence_only_for_the_persons_tasks_and_never_changed(acme: tuple[str, dict[str, str]]) -> None:
    url, who = acme

    def add(person: str, artifact: str, task: str, recorded_by: str | None = None) -> int:
        return raw(
            url,
            who[person],
            "INSERT INTO evidence (partnership_id, artifact_id, evidence, task_id, recorded_by, recorded_at) "
            f"VALUES (1, '{artifact}', 'forged', {task}, '{recorded_by or person}', now())",
        )

    # The contract is produced by sign-contract, the plan's task; the IT plan by the hospital's.
    for person, artifact, task in [("intake", "it-plan", "NULL"), ("hit", "contract", "'sign-contract'")]:
        with pytest.raises(Refused, match='row-level security policy for table "evidence"'):
            add(person, artifact, task)
    with pytest.raises(Refused, match='row-level security policy for table "evidence"'):
        add("hit", "it-plan", "'it-onboarding'", recorded_by="jlee")
    # The hospital's own task's artifact, as itself.
    assert add("hit", "it-plan", "'it-onboarding'") == 1
    assert raw(url, who["hit"], "UPDATE evidence SET evidence = 'rewritten'") == 0
    assert raw(url, who["hit"], "DELETE FROM evidence") == 0
    with pytest.raises(Refused, match="evidence is not truncated but by the database owner"):
        raw(url, who["hit"], "TRUNCATE evidence")
    assert _one(url, "SELECT count(*) FROM evidence WHERE evidence = 'rewritten'") == 0


def test_partnerships_change_only_by_advancing(acme: tuple[str, dict[str, str]]) -> None:
    url, who = acme
    for change in ["name = 'other'", "contract_end = '2030-01-01'", "workflow_hash = 'x'"]:
        with pytest.raises(Refused, match="changes only a partnership's phase and version"):
            raw(url, who["jlee"], f"UPDATE partnerships SET {change}")
    assert raw(url, who["jlee"], "DELETE FROM partnerships") == 0
    with pytest.raises(Refused, match='row-level security policy for table "partnerships"'):
        raw(
            url,
            who["jlee"],
            "INSERT INTO partnerships (name, workflow_id, workflow_path, workflow_hash, parties, "
            "contract_start, contract_end, phase, created_at, version) VALUES ('x', 'w', '/w', 'h', '[]', "
            "'2026-01-01', '2026-12-31', 'scoping', now(), 1)",
        )
    assert _one(url, "SELECT name FROM partnerships") == "acme"


def test_what_may_be_written_and_the_schema_are_the_administrators(acme: tuple[str, dict[str, str]]) -> None:
    url, who = acme
    for table in ["journey_steps", "escalation_levels", "task_products", "person_powers", "alembic_version"]:
        assert raw(url, who["fac"], f"DELETE FROM {table}") == 0, table
        with pytest.raises(Refused, match=f"{table} is not truncated but by the database owner"):
            raw(url, who["fac"], f"TRUNCATE {table} CASCADE")
    with pytest.raises(Refused, match='row-level security policy for table "journey_steps"'):
        raw(
            url,
            who["intake"],
            "INSERT INTO journey_steps VALUES (1, 'member', 'x', 'cbo-intake', true, '{}')",
        )
    assert raw(url, who["fac"], "UPDATE alembic_version SET version_num = '9999'") == 0


def test_a_task_is_done_only_after_it_was_started(acme: tuple[str, dict[str, str]]) -> None:
    url, who = acme
    finish = "UPDATE task_status SET state = 'done' WHERE task_id = 'review-quarter'"
    # Even the plan's own task, and even the superuser: done comes after in-progress.
    for name in [who["jlee"], "postgres"]:
        with pytest.raises(
            Refused, match="task review-quarter is todo: a task is done only after it was started"
        ):
            raw(url, name, finish)
    assert raw(
        url, who["jlee"], "UPDATE task_status SET state = 'in-progress' WHERE task_id = 'review-quarter'"
    )
    assert raw(url, who["jlee"], finish) == 1


def test_acting_for_anyone_needs_a_reason_in_the_audit_log(acme: tuple[str, dict[str, str]]) -> None:
    url, who = acme
    # The facilitator's role reaches every row, but a change without a reasoned audit entry fails at commit.
    with pytest.raises(Refused, match="fac acts for someone else in task_status without a reason"):
        raw(url, who["fac"], "UPDATE task_status SET state = 'in-progress' WHERE task_id = 'review-quarter'")
    with pytest.raises(Refused, match="fac acts for someone else in journey_instances without a reason"):
        raw(url, who["fac"], "UPDATE journey_instances SET step = 'intake'")
    assert _one(url, "SELECT state FROM task_status WHERE task_id = 'review-quarter'") == "todo"
    # Through the tracker, with a reason, the same changes are made and logged.
    tracker = _tracker(url, who["fac"])
    tracker.change_tasks("acme", ["review-quarter"], "start", actor="fac", reason="jlee on leave")
    tracker.move_journey("acme", "member", "REF-1", "intake", actor="fac", reason="portal down")
    tracker.move_escalation("acme", 1, "resolve", actor="fac", reason="closed at the JOC")
    details = [entry.detail for entry in tracker.audit("acme", actor="fac")]
    tracker.close()
    assert details == [
        "for plan-poc, as facilitator: jlee on leave",
        "for plan-poc, as facilitator: portal down; handoff referral: plan-poc -> cbo-intake via portal",
        "for cbo-intake, as facilitator: closed at the JOC",
    ]


def test_every_person_runs_their_part_through_the_tracker(acme: tuple[str, dict[str, str]]) -> None:
    url, who = acme
    steps: list[tuple[str, Callable[[Tracker], object]]] = [
        ("jlee", lambda t: t.start_journey("acme", "member", "REF-2", actor="jlee")),
        ("jlee", lambda t: t.move_journey("acme", "member", "REF-2", "intake", actor="jlee")),
        ("intake", lambda t: t.move_journey("acme", "member", "REF-1", "intake", actor="intake")),
        ("intake", lambda t: t.move_journey("acme", "member", "REF-1", "serve", actor="intake")),
        ("intake", lambda t: t.open_escalation("acme", "barrier", "T-2", actor="intake")),
        ("intake", lambda t: t.move_escalation("acme", 1, "escalate", actor="intake")),
        ("jlee", lambda t: t.move_escalation("acme", 1, "resolve", actor="jlee")),
        ("hit", lambda t: t.record_evidence("acme", "it-plan", "IT plan v2", actor="hit")),
        ("jlee", lambda t: t.change_tasks("acme", ["review-quarter"], "start", actor="jlee")),
        ("jlee", lambda t: t.change_tasks("acme", ["review-quarter"], "done", actor="jlee")),
        ("jlee", lambda t: t.advance("acme", actor="jlee")),
    ]
    for person, step in steps:
        tracker = _tracker(url, who[person])
        try:
            step(tracker)
        finally:
            tracker.close()
    tracker = Tracker(open_store(url))
    partnership, progress = tracker.progress("acme")
    journeys = {(j.member_key, j.step) for j in tracker.journeys("acme")}
    escalations = [(e.subject, e.state) for e in tracker.escalations("acme")]
    tracker.close()
    assert (partnership.phase, progress.tasks["review-quarter"]) == ("completed", "done")
    assert progress.evidence["it-plan"] == ["IT plan v1", "IT plan v2"]
    assert journeys == {("REF-1", "serve"), ("REF-2", "intake")}
    assert escalations == [("T-1", "resolved"), ("T-2", "level-1")]


def test_a_database_at_0005_with_partnerships_upgrades(tmp_path: Path) -> None:
    server = postgres.server()
    if isinstance(server, str):
        pytest.skip(server)
    url = postgres.database(server)
    path = world(tmp_path)
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
        connection.execute(
            sa.text(
                "INSERT INTO partnerships (id, name, workflow_id, workflow_path, workflow_hash, parties, "
                "contract_start, contract_end, phase, started_phase, created_at, version) VALUES (1, 'acme', "
                "'world', :path, :hash, '[]', '2026-01-01', '2026-12-31', 'implementation', 'pre-launch', "
                "now(), 3)"
            ),
            {"path": str(path), "hash": file_hash(str(path))},
        )
        connection.execute(
            sa.text(
                "INSERT INTO journey_instances (partnership_id, journey_id, member_key, episode, step, "
                "started_at, updated_at) VALUES (1, 'member', 'REF-1', 1, 'identify', now(), now())"
            )
        )
        connection.commit()
    engine.dispose()
    assert upgrade(url) == "0006"
    with login(url) as name:
        link(url, "intake", name)
        # Nothing of the workflow is written yet, so nothing is within the login's reach.
        assert raw(url, name, "UPDATE journey_instances SET step = 'intake'") == 0
        administrator = Tracker(open_store(url))
        administrator.rebase("acme", actor="jlee")
        administrator.close()
        tracker = _tracker(url, name)
        tracker.move_journey("acme", "member", "REF-1", "intake", actor="intake")
        assert [(j.member_key, j.step) for j in tracker.journeys("acme")] == [("REF-1", "intake")]
        assert tracker.partnership("acme").version == 5
        tracker.close()


def test_0006_downgrades_and_upgrades_again(acme: tuple[str, dict[str, str]]) -> None:
    url, _who = acme
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
        connection.commit()
        assert "journey_steps" not in sa.inspect(connection).get_table_names()
    engine.dispose()
    assert upgrade(url) == "0006"


def test_every_table_is_held_by_forced_row_security(acme: tuple[str, dict[str, str]]) -> None:
    url, _who = acme
    loose = _one(
        url,
        "SELECT string_agg(relname, ', ' ORDER BY relname) FROM pg_class "
        "WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' "
        "AND NOT (relrowsecurity AND relforcerowsecurity)",
    )
    assert loose is None
    untruncatable = _one(
        url,
        "SELECT count(DISTINCT tgrelid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE c.relnamespace = 'public'::regnamespace AND t.tgtype & 32 <> 0",
    )
    tables = _one(
        url, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
    )
    assert untruncatable == tables == 14
