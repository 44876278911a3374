"""The tracking service and its commands, on a real SQLite file.

The scenario helpers here also run against a real PostgreSQL server in
``test_postgres.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
from multiprocessing.queues import Queue
from pathlib import Path

import pytest
from cli_run import run_cli as lifecycle
from processes import CONTEXT, finish_tasks
from tracked import opened

from lifecycle.cli import cli
from lifecycle.machine import TransitionRefused
from lifecycle.store import open_store
from lifecycle.tracking import SignoffRefused, Tracker, TrackingError, UnknownName, WorkflowChanged

SMALL = """\
id: small
title: Small partnership
organizations:
  plan: {name: Riverside Health Plan, kind: payer, point_of_contact: plan-poc}
  cbo: {name: Eastside Food Bank, kind: cbo, point_of_contact: cbo-pm}
people:
  jlee: {name: Jo Lee, org: plan}
  mgo: {name: Mari Go, org: cbo}
  nav: {name: Nat Vo, org: cbo}
roles:
  plan-poc: {org: plan, title: Point of contact, held_by: [jlee], decision_authority: true}
  cbo-pm: {org: cbo, title: Program manager, held_by: [mgo], decision_authority: true}
  cbo-nav: {org: cbo, title: Navigator, held_by: [nav]}
artifacts:
  contract: {title: Signed contract}
  training-log: {title: Training log}
phases:
  scoping:
    title: Scoping
    kind: scoping
    tasks:
      write-scope: {title: Write the scope of work, owner: plan-poc}
      sign-contract: {title: Sign the contract, owner: plan-poc, after: write-scope, produces: contract}
    exit_gate:
      title: Contract signed
      criteria:
        signed: {title: Contract signed, tasks: [sign-contract], artifacts: [contract], signoff: [plan-poc]}
  pre-launch:
    title: Pre-launch
    kind: pre-launch
    tasks:
      train-staff: {title: Train staff, owner: cbo-pm, produces: training-log}
      test-referrals: {title: Test referrals, owner: cbo-pm, after: train-staff}
    exit_gate:
      title: Launch readiness
      launch: true
      criteria:
        trained: {title: Staff trained, tasks: [train-staff], artifacts: [training-log], signoff: [cbo-pm]}
        tested: {title: Referrals tested, tasks: [test-referrals], signoff: [plan-poc, cbo-pm]}
  renewal:
    title: Renewal
    kind: renewal
    tasks:
      begin-renewal: {title: Begin renewal discussions, owner: plan-poc, due: 120 days before contract end}
handoffs:
  referral: {from: plan-poc, to: cbo-nav, channel: portal, passes: member referral}
journeys:
  member:
    title: Member journey
    start: identify
    steps:
      identify: {title: Identify, stage: identification, owner: plan-poc, next: [outreach]}
      outreach: {title: Outreach, stage: engagement, owner: cbo-nav, via: referral, next: [serve, declined]}
      serve: {title: Serve, stage: service-provision, owner: cbo-nav, next: [done]}
    exits:
      declined: {title: Declined, kind: declined}
      done: {title: Completed, kind: completed}
escalations:
  barrier:
    title: Member barrier
    trigger: unresolved after 5 business days
    levels: [cbo-nav, cbo-pm, plan-poc]
    response_time: 2 business days
"""

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


@pytest.fixture
def workflow(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'track.db'}"


def new_tracker(url: str, workflow: Path, name: str = "acme") -> Tracker:
    tracker = opened(url, create=True)
    tracker.start_partnership(name, str(workflow), START, END, actor="jlee")
    return tracker


def scenario_gates_and_signoff(url: str, workflow: Path) -> None:
    """Scoping gate: refused until its task, artifact and sign-off are all in."""
    tracker = new_tracker(url, workflow)
    with pytest.raises(TransitionRefused) as refused:
        tracker.change_tasks("acme", ["sign-contract"], "start", actor="jlee")
    assert "predecessor 'write-scope' is todo" in str(refused.value)

    with pytest.raises(TransitionRefused) as refused:
        tracker.advance("acme", actor="jlee")
    assert refused.value.reasons == [
        "signed: task 'sign-contract' is todo",
        "signed: artifact 'contract' has no evidence",
        "signed: no sign-off by role 'plan-poc' (can sign: jlee)",
    ]

    tracker.change_tasks("acme", ["write-scope"], "start", actor="jlee")
    tracker.change_tasks("acme", ["write-scope"], "done", actor="jlee")
    tracker.change_tasks("acme", ["sign-contract"], "start", actor="jlee")
    tracker.change_tasks(
        "acme", ["sign-contract"], "done", actor="jlee", evidence="https://docs/contract.pdf"
    )

    with pytest.raises(SignoffRefused):
        tracker.sign_off("acme", "scoping", actor="mgo", evidence="looks fine")
    assert [s.role for s in tracker.sign_off("acme", "scoping", actor="jlee", evidence="countersigned")] == [
        "plan-poc"
    ]

    report = tracker.check_gate("acme")
    assert report.met
    assert report.criteria[0].evidence == [
        "contract: https://docs/contract.pdf",
        "signed by jlee as plan-poc: countersigned",
    ]
    change = tracker.advance("acme", actor="jlee")
    assert (change.before, change.after) == ("scoping", "pre-launch")

    refusals = [e for e in tracker.audit("acme") if e.outcome == "refused"]
    assert [(e.action, e.actor) for e in refusals] == [
        ("task.start", "jlee"),
        ("advance", "jlee"),
        ("gate.signoff", "mgo"),
    ]
    assert "mgo does not hold (or back up) any signing role" in (refusals[2].detail or "")


def scenario_journeys_and_escalations(url: str, workflow: Path) -> None:
    # Members are referred once the launch gate is passed: track from renewal on.
    tracker = opened(url, create=True)
    tracker.start_partnership("acme", str(workflow), START, END, actor="jlee", phase="renewal")
    tracker.start_journey("acme", "member", "REF-1001", actor="jlee")
    moved = tracker.move_journey("acme", "member", "REF-1001", "outreach", actor="nav")
    assert (moved.before, moved.after) == ("identify", "outreach")
    with pytest.raises(TransitionRefused, match="cannot move done from journey state 'outreach'"):
        tracker.move_journey("acme", "member", "REF-1001", "done", actor="nav")
    tracker.move_journey("acme", "member", "REF-1001", "declined", actor="nav")
    with pytest.raises(TransitionRefused, match="allowed: none"):
        tracker.move_journey("acme", "member", "REF-1001", "serve", actor="nav")
    handoff = tracker.audit("acme", action="journey.move", actor="nav")[0]
    assert handoff.detail == "as cbo-nav; handoff referral: plan-poc -> cbo-nav via portal"

    number, level = tracker.open_escalation("acme", "barrier", "TICKET-7", actor="nav")
    assert level == "cbo-nav"
    assert tracker.move_escalation("acme", number, "escalate", actor="mgo").after == "level-2"
    assert tracker.move_escalation("acme", number, "escalate", actor="mgo").after == "level-3"
    with pytest.raises(TransitionRefused, match="cannot escalate from escalation state 'level-3'"):
        tracker.move_escalation("acme", number, "escalate", actor="jlee")
    assert tracker.move_escalation("acme", number, "resolve", actor="jlee").after == "resolved"


def scenario_bad_input_changes_nothing(url: str, workflow: Path) -> None:
    tracker = new_tracker(url, workflow)
    before = len(tracker.audit("acme"))
    with pytest.raises(UnknownName, match=r"unknown partnership 'acmee'.*did you mean 'acme'"):
        tracker.change_tasks("acmee", ["write-scope"], "start", actor="jlee")
    with pytest.raises(UnknownName, match="unknown task 'write-scop'"):
        tracker.change_tasks("acme", ["write-scope", "write-scop"], "start", actor="jlee")
    with pytest.raises(UnknownName, match="unknown person 'jle'"):
        tracker.change_tasks("acme", ["write-scope"], "start", actor="jle")
    with pytest.raises(UnknownName, match="unknown gate"):
        tracker.check_gate("acme", "launch")
    with pytest.raises(TrackingError, match="may hold only letters, digits"):
        tracker.start_journey("acme", "member", "Jane Doe", actor="nav")
    with pytest.raises(TrackingError, match="already exists"):
        tracker.start_partnership("acme", str(workflow), START, END, actor="jlee")
    _, progress = tracker.progress("acme")
    assert progress.tasks["write-scope"] == "todo"
    assert len(tracker.audit("acme")) == before


def test_gates_and_signoff(db_url: str, workflow: Path) -> None:
    scenario_gates_and_signoff(db_url, workflow)


def test_journeys_and_escalations(db_url: str, workflow: Path) -> None:
    scenario_journeys_and_escalations(db_url, workflow)


def test_bad_input_changes_nothing(db_url: str, workflow: Path) -> None:
    scenario_bad_input_changes_nothing(db_url, workflow)


def test_a_batch_is_all_or_nothing(db_url: str, workflow: Path) -> None:
    tracker = new_tracker(db_url, workflow)
    with pytest.raises(TransitionRefused):
        tracker.change_tasks("acme", ["write-scope", "sign-contract"], "start", actor="jlee")
    assert tracker.progress("acme")[1].tasks["write-scope"] == "todo"
    changes = tracker.change_tasks("acme", ["write-scope", "begin-renewal"], "start", actor="jlee")
    assert [c.after for c in changes] == ["in-progress", "in-progress"]


def test_starting_at_a_later_phase_waives_earlier_tasks(db_url: str, workflow: Path) -> None:
    tracker = Tracker(open_store(db_url, create=True))
    tracker.start_partnership("late", str(workflow), START, END, actor="jlee", phase="pre-launch")
    _, progress = tracker.progress("late")
    assert progress.tasks["sign-contract"] == "waived"
    assert progress.tasks["train-staff"] == "todo"
    assert tracker.partnership("late").phase == "pre-launch"
    # Gates before the phase tracking began at are not tracked, not unmet.
    earlier = tracker.check_gate("late", "scoping")
    assert (earlier.met, earlier.reasons(), earlier.state()) == (
        False,
        [],
        "not tracked (started at pre-launch)",
    )
    tracker.record_evidence("late", "contract", "contract 2025-88, signed before tracking", actor="jlee")
    with pytest.raises(UnknownName, match="unknown artifact 'contrct'"):
        tracker.record_evidence("late", "contrct", "x", actor="jlee")
    assert tracker.progress("late")[1].evidence["contract"] == ["contract 2025-88, signed before tracking"]


def test_rebase_after_the_workflow_changed(db_url: str, workflow: Path) -> None:
    tracker = new_tracker(db_url, workflow)
    tracker.change_tasks("acme", ["write-scope"], "start", actor="jlee")
    workflow.write_text(
        SMALL.replace("      write-scope: {title: Write the scope of work, owner: plan-poc}\n", "")
        .replace("after: write-scope, ", "")
        .replace(
            "      test-referrals:", "      dry-run: {title: Dry run, owner: cbo-pm}\n      test-referrals:"
        ),
        encoding="utf-8",
    )
    assert tracker.changed(tracker.partnership("acme"))
    with pytest.raises(WorkflowChanged, match="run `lifecycle partnership rebase acme` first"):
        tracker.change_tasks("acme", ["train-staff"], "start", actor="mgo")
    with pytest.raises(TrackingError, match=r"tracked tasks disappeared.*write-scope \(in-progress\)"):
        tracker.rebase("acme", actor="jlee")
    assert tracker.rebase("acme", actor="jlee", force=True) == [
        "removed task write-scope (in-progress)",
        "added task dry-run",
    ]
    assert not tracker.changed(tracker.partnership("acme"))
    assert tracker.audit("acme", action="partnership.rebase")[0].detail == "forced"
    tracker.change_tasks("acme", ["dry-run"], "start", actor="mgo")


def test_audit_log_is_append_only_in_the_database(db_url: str, workflow: Path, tmp_path: Path) -> None:
    new_tracker(db_url, workflow)
    with sqlite3.connect(tmp_path / "track.db") as connection:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute("UPDATE audit_log SET actor = 'someone-else'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute("DELETE FROM audit_log")


def scenario_two_processes(url: str, workflow: Path) -> None:
    """Two processes change different tasks of one partnership at once: every
    change lands and every change is audited, none lost."""
    wide = SMALL.replace(
        "    tasks:\n      begin-renewal:",
        "    tasks:\n"
        + "".join(
            f"      t{i}: {{title: Task {i}, owner: plan-poc, responsible: cbo-pm}}\n" for i in range(40)
        )
        + "      begin-renewal:",
    )
    workflow.write_text(wide, encoding="utf-8")
    tracker = new_tracker(url, workflow)
    halves = [[f"t{i}" for i in range(0, 40, 2)], [f"t{i}" for i in range(1, 40, 2)]]
    together, started = CONTEXT.Barrier(len(halves)), CONTEXT.Value("i", 0)
    results: Queue[tuple[str, int]] = CONTEXT.Queue()
    workers = [
        CONTEXT.Process(target=finish_tasks, args=(url, "acme", half, who, together, started, results))
        for half, who in zip(halves, ["jlee", "mgo"], strict=True)
    ]
    for worker in workers:
        worker.start()
    finished = dict(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    # Each was done only after both had started: the two ran at the same time.
    assert finished == {"jlee": 2, "mgo": 2}
    partnership, progress = tracker.progress("acme")
    assert all(progress.tasks[f"t{i}"] == "waived" for i in range(40))
    assert len(tracker.audit("acme", action="task.waive")) == 40
    assert partnership.version == 1 + 40


def test_two_processes_never_lose_a_write(db_url: str, workflow: Path) -> None:
    scenario_two_processes(db_url, workflow)


# -- the commands ----------------------------------------------------------------


def test_commands_track_a_partnership_into_the_default_database(workflow: Path) -> None:
    start = lifecycle(
        "partnership",
        "start",
        "acme",
        "--workflow",
        str(workflow),
        "--as",
        "jlee",
        "--start",
        "2026-01-01",
        "--end",
        "2026-12-31",
    )
    assert start.returncode == 0, start.stderr
    assert (workflow.parent / "lifecycle.db").is_file()
    db = ["--workflow", str(workflow)]
    assert (
        lifecycle("task", "start", "acme", "write-scope", "--as", "jlee", *db).stdout
        == "write-scope: todo -> in-progress\n"
    )
    check = lifecycle("gate", "check", "acme", *db)
    assert check.returncode == 1
    assert "task 'sign-contract' is todo" in check.stdout
    assert "gate scoping: not met: 3 unmet" in check.stdout

    refused = lifecycle("gate", "signoff", "acme", "scoping", "--as", "nav", "--evidence", "ok", *db)
    assert refused.returncode == 1
    assert (
        refused.stderr.splitlines()[0]
        == "sign-off refused: nav does not hold (or back up) any signing role of gate 'scoping'"
    )
    log = lifecycle("log", "acme", "--format", "csv", "--action", "gate", *db)
    rows = list(csv.DictReader(io.StringIO(log.stdout)))
    assert [(r["actor"], r["action"], r["outcome"]) for r in rows] == [("nav", "gate.signoff", "refused")]

    status = lifecycle("status", "acme", *db)
    assert status.returncode == 0
    for expected in (
        "current phase: scoping",
        "write-scope",
        "in-progress",
        "Launch readiness (launch)",
        "no sign-off by role 'plan-poc'",
        "begin-renewal",
        "120 days before contract end",
        "2026-09-02",
    ):
        assert expected in status.stdout, expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["status", "nobody"], "unknown partnership 'nobody'"),
        (["task", "start", "acme", "nothing", "--as", "jlee"], "unknown task 'nothing'"),
        (["task", "done", "acme", "write-scope", "--as", "jlee"], "cannot done from task state 'todo'"),
        (["gate", "check", "acme", "launch"], "unknown gate (phase) 'launch'"),
        (["advance", "acme", "--as", "somebody"], "unknown person 'somebody'"),
        (["status", "acme", "--db", "mysql://x/y"], "unsupported database 'mysql'"),
        (["status", "acme", "--db", "postgresql://postgres@127.0.0.1:1/x"], "cannot use database"),
        (["status", "acme", "--db", "::not a url::"], "no lifecycle database at"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_1(workflow: Path, args: list[str], message: str) -> None:
    db = ["--workflow", str(workflow)]
    lifecycle(
        "partnership", "start", "acme", *db, "--as", "jlee", "--start", "2026-01-01", "--end", "2026-12-31"
    )
    before = tracked_state(workflow.parent / "lifecycle.db")
    result = lifecycle(*args, *db)
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1
    assert message in result.stderr
    assert tracked_state(workflow.parent / "lifecycle.db") == before


def tracked_state(path: Path) -> list[tuple[object, ...]]:
    """Every row of every table but the audit log (refusals are logged there)."""
    with sqlite3.connect(path) as connection:
        tables = [t for (t,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [
            row
            for t in sorted(tables)
            if t != "audit_log"
            for row in connection.execute(f"SELECT * FROM {t}")
        ]


def test_cli_help_lists_tracking_commands(runner) -> None:
    result = runner.invoke(cli, ["--help"])
    commands = result.output.split("\nCommands:\n", 1)[1]
    # Each command's own line in the Commands section: its name at the start, then its summary.
    listed = {line.split()[0] for line in commands.splitlines() if line[:2] == "  " and line[2:3].isalpha()}
    for command in ("partnership", "status", "task", "gate", "advance", "journey", "escalate", "log", "db"):
        assert command in listed


def test_status_lists_deadlines_soonest_first(tmp_path: Path) -> None:
    # The file lists the later deadline first; status must not.
    text = SMALL.replace(
        "      begin-renewal: {title: Begin renewal discussions",
        "      renew: {title: Sign the renewal, owner: plan-poc, due: 30 days before contract end}\n"
        "      begin-renewal: {title: Begin renewal discussions",
    )
    path = tmp_path / "small.yaml"
    path.write_text(text, encoding="utf-8")
    db = ["--workflow", str(path)]
    started = lifecycle(
        "partnership", "start", "acme", *db, "--as", "jlee", "--start", "2026-01-01", "--end", "2026-12-31"
    )
    assert started.returncode == 0, started.stderr
    status = lifecycle("status", "acme", *db).stdout
    assert status.index("2026-09-02") < status.index("2026-12-01")
