"""Who acts (issue #13): on PostgreSQL the logged-in login's linked person, with
``--as`` matching it or left out; on SQLite ``--as`` is required and trusted."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import postgres
import pytest
from cli_run import run_cli
from sqlalchemy.engine import make_url
from tracked import started, world

from lifecycle.store import open_store
from lifecycle.store.identity import IdentityError, acting_person
from lifecycle.tracking import Tracker


@pytest.fixture
def pg_url() -> str:
    server = postgres.server()
    if isinstance(server, str):
        pytest.skip(server)
    return postgres.database(server, migrated=True)


def _login(owner_url: str) -> Iterator[str]:
    """A new LOGIN role allowed to use lifecycle's tables in ``owner_url``'s database."""
    import psycopg

    name = f"u_{uuid.uuid4().hex[:10]}"
    url = make_url(owner_url)
    dsn = f"host={url.host} port={url.port} user=postgres dbname={url.database}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{name}" LOGIN')
        conn.execute(f'GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO "{name}"')
        conn.execute(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "{name}"')
    yield name
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP OWNED BY "{name}"')
        conn.execute(f'DROP ROLE "{name}"')


@pytest.fixture
def acme(pg_url: str, tmp_path: Path) -> str:
    """``pg_url`` with partnership acme started at pre-launch by its owner."""
    started(pg_url, world(tmp_path), phase="pre-launch").close()
    return pg_url


@pytest.fixture
def two_logins(acme: str) -> Iterator[tuple[str, str]]:
    """Two logins: the first linked to hit (the hospital's IT lead), the second to intake."""
    first, second = _login(acme), _login(acme)
    hit, intake = next(first), next(second)
    assert run_cli("db", "link", "hit", hit, "--db", acme).returncode == 0
    assert run_cli("db", "link", "intake", intake, "--db", acme).returncode == 0
    yield hit, intake
    for rest in (first, second):
        next(rest, None)


def _as(url: str, login: str) -> str:
    return make_url(url).set(username=login).render_as_string(hide_password=False)


def test_sqlite_needs_as(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    started(url, world(tmp_path), phase="pre-launch").close()
    result = run_cli("task", "start", "acme", "it-onboarding", "--db", url)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "--as PERSON is required: a SQLite database is a single-user file, so lifecycle "
        "cannot tell who you are"
    ]
    assert run_cli("task", "start", "acme", "it-onboarding", "--as", "hit", "--db", url).returncode == 0


def test_links_are_only_on_postgresql(tmp_path: Path) -> None:
    result = run_cli("db", "link", "hit", "someone", "--db", str(tmp_path / "a.db"))
    assert result.returncode == 1
    assert "only on PostgreSQL" in result.stderr


def test_the_login_is_the_person(acme: str, two_logins: tuple[str, str]) -> None:
    hit, intake = two_logins
    listed = run_cli("db", "links", "--db", acme).stdout.splitlines()
    assert sorted(listed) == sorted(
        [f"{hit}  hit  (every partnership)", f"{intake}  intake  (every partnership)"]
    )
    # Left out, --as is the login's person; the task's owner role lets hit start it.
    done = run_cli("task", "start", "acme", "it-onboarding", "--db", _as(acme, hit))
    assert done.returncode == 0, done.stderr
    tracker = Tracker(open_store(acme))
    assert [(e.actor, e.action, e.subject) for e in tracker.audit("acme", action="task.start")] == [
        ("hit", "task.start", "it-onboarding")
    ]
    tracker.close()
    # Naming someone else is refused before anything is written.
    claimed = run_cli("task", "done", "acme", "it-onboarding", "--as", "intake", "--db", _as(acme, hit))
    assert claimed.returncode == 1
    assert claimed.stderr.splitlines() == [
        f"--as intake does not match login '{hit}', which is linked to person 'hit'"
    ]
    # A matching --as is fine; the workflow's roles still decide what the person may do.
    refused = run_cli("task", "start", "acme", "train-intake", "--as", "hit", "--db", _as(acme, hit))
    assert refused.returncode == 1
    assert "hit may not start task 'train-intake'" in refused.stderr
    assert run_cli("task", "start", "acme", "train-intake", "--db", _as(acme, intake)).returncode == 0


def test_an_unlinked_login_and_the_owner(acme: str, two_logins: tuple[str, str]) -> None:
    hit, _intake = two_logins
    assert run_cli("db", "unlink", hit, "--db", acme).stdout == f"login {hit} unlinked\n"
    unlinked = run_cli("task", "start", "acme", "it-onboarding", "--as", "hit", "--db", _as(acme, hit))
    assert unlinked.returncode == 1
    assert unlinked.stderr.splitlines() == [
        f"login '{hit}' is linked to no person: the database owner links it with "
        f"`lifecycle db link PERSON {hit}`"
    ]
    # The owner (here the superuser) is the administrator: trusted with --as, which it must give.
    with pytest.raises(IdentityError, match="owns the database and is linked to no person"):
        acting_person(acme, None, "acme")
    assert acting_person(acme, "fac", "acme") == "fac"


def test_a_partnerships_link_wins_over_the_global_one(acme: str, two_logins: tuple[str, str]) -> None:
    hit, _intake = two_logins
    made = run_cli("db", "link", "mgo", hit, "--partnership", "acme", "--db", acme)
    assert made.stdout == f"login {hit} acts as mgo in partnership acme\n"
    assert acting_person(_as(acme, hit), None, "acme") == "mgo"
    assert acting_person(_as(acme, hit), None, "other") == "hit"
    unknown = run_cli("db", "link", "mgo", hit, "--partnership", "nope", "--db", acme)
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("no partnership 'nope' in ")


def test_only_the_owner_changes_links(acme: str, two_logins: tuple[str, str]) -> None:
    hit, _intake = two_logins
    result = run_cli("db", "link", "fac", hit, "--db", _as(acme, hit))
    assert result.returncode == 1
    assert "permission denied for table login_links; nothing was written" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def _raw(url: str, login: str, sql: str) -> int:
    """Run ``sql`` as ``login`` straight through the driver; the rows it changed."""
    import psycopg

    parsed = make_url(url)
    with psycopg.connect(
        f"host={parsed.host} port={parsed.port} user={login} dbname={parsed.database}"
    ) as conn:
        return conn.execute(sql).rowcount


def _state(url: str, task: str) -> str:
    tracker = Tracker(open_store(url))
    try:
        return tracker.progress("acme")[1].tasks[task]
    finally:
        tracker.close()


def test_the_database_refuses_raw_sql_beyond_the_persons_roles(
    acme: str, two_logins: tuple[str, str]
) -> None:
    import psycopg

    hit, intake = two_logins
    waive = "UPDATE task_status SET state = 'waived' WHERE task_id = 'it-onboarding'"
    # intake holds no role of the hospital's IT task: the row is out of its reach.
    assert _raw(acme, intake, waive) == 0
    assert _state(acme, "it-onboarding") == "todo"
    # hit owns it (hosp-it): the same statement works.
    assert _raw(acme, hit, waive) == 1
    assert _state(acme, "it-onboarding") == "waived"
    refusals = {
        "audit_log": "INSERT INTO audit_log (partnership_id, at, actor, action, subject, outcome) "
        "VALUES (1, now(), 'jlee', 'task.start', 'x', 'ok')",
        "signoffs": "INSERT INTO signoffs (partnership_id, gate_id, role_id, person_id, evidence, signed_at) "
        "VALUES (1, 'pre-launch', 'hosp-it', 'intake', 'forged', now())",
        "login_links": f"INSERT INTO login_links (login, partnership_id, person) "
        f"VALUES ('{intake}', 1, 'fac')",
        "person_powers": "INSERT INTO person_powers VALUES (1, 'intake', '*')",
    }
    for table, sql in refusals.items():
        with pytest.raises(
            psycopg.errors.InsufficientPrivilege, match=f'row-level security policy for table "{table}"'
        ):
            _raw(acme, intake, sql)
    # Its own sign-off, for a role intake holds, is let through.
    own = (
        "INSERT INTO signoffs (partnership_id, gate_id, role_id, person_id, evidence, signed_at) "
        "VALUES (1, 'pre-launch', 'cbo-intake', 'intake', 'ok', now())"
    )
    assert _raw(acme, intake, own) == 1


def test_linked_logins_run_a_partnership_through_the_tracker(acme: str, two_logins: tuple[str, str]) -> None:
    hit, intake = two_logins
    steps = [
        (hit, ["task", "start", "acme", "it-onboarding"]),
        (hit, ["task", "done", "acme", "it-onboarding", "--evidence", "IT plan v1"]),
        (intake, ["task", "start", "acme", "train-intake"]),
        (intake, ["task", "done", "acme", "train-intake"]),
        (hit, ["gate", "signoff", "acme", "pre-launch", "--evidence", "IT verified"]),
    ]
    for login, args in steps:
        result = run_cli(*args, "--db", _as(acme, login))
        assert result.returncode == 0, (args, result.stderr)
    # A refusal is still logged, under the login's own person.
    refused = run_cli("task", "start", "acme", "review-quarter", "--db", _as(acme, intake))
    assert refused.returncode == 1
    tracker = Tracker(open_store(acme))
    last = tracker.audit("acme")[-1]
    tracker.close()
    assert (last.actor, last.outcome) == ("intake", "refused")


def test_a_linked_owner_is_held_too(tmp_path: Path) -> None:
    import psycopg

    server = postgres.server()
    if isinstance(server, str):
        pytest.skip(server)
    owner, name = f"o_{uuid.uuid4().hex[:10]}", f"t_{uuid.uuid4().hex[:12]}"
    admin = f"host=127.0.0.1 port={server.port} user=postgres dbname="
    with psycopg.connect(admin + "postgres", autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{owner}" LOGIN')
        conn.execute(f'CREATE DATABASE "{name}" OWNER "{owner}"')
    with psycopg.connect(admin + name, autocommit=True) as conn:
        conn.execute(f'GRANT CREATE ON SCHEMA public TO "{owner}"')
    url = f"postgresql://{owner}@127.0.0.1:{server.port}/{name}"
    # Unlinked, the owner is the administrator: it migrates, starts, and acts with --as.
    started(url, world(tmp_path), phase="pre-launch").close()
    assert run_cli("task", "start", "acme", "it-onboarding", "--as", "hit", "--db", url).returncode == 0
    # Linked, FORCE holds it to its person's roles like any login.
    assert run_cli("db", "link", "intake", owner, "--db", url).returncode == 0
    assert _raw(url, owner, "UPDATE task_status SET state = 'done' WHERE task_id = 'it-onboarding'") == 0
    assert _state(url, "it-onboarding") == "in-progress"


def test_a_rebase_writes_the_powers(acme: str, two_logins: tuple[str, str], tmp_path: Path) -> None:
    hit, _intake = two_logins
    # As for a partnership started before migration 0005: no powers written yet.
    assert _raw(acme, "postgres", "DELETE FROM person_powers") > 0
    start = "UPDATE task_status SET state = 'in-progress' WHERE task_id = 'it-onboarding'"
    assert _raw(acme, hit, start) == 0
    rebased = run_cli("partnership", "rebase", "acme", "--as", "jlee", "--db", acme)
    assert rebased.returncode == 0, rebased.stderr
    assert _raw(acme, hit, start) == 1
