"""``lifecycle partnership|task|gate|advance|db``: track partnerships through
their phases, tasks and readiness gates."""

from __future__ import annotations

import datetime as dt

import click

from lifecycle.cli.db_links import db_link, db_links, db_unlink
from lifecycle.cli.track_options import (
    actor_option,
    db_option,
    open_reads,
    open_tracker,
    reason_option,
    warn_if_personal,
    workflow_option,
)

_DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.group()
def partnership() -> None:
    """Start, list and rebase tracked partnerships."""


@partnership.command("start")
@click.argument("name")
@click.option(
    "--workflow", required=True, type=click.Path(dir_okay=False), help="The workflow file it follows."
)
@click.option("--start", "start", required=True, type=_DATE, help="Contract start date (YYYY-MM-DD).")
@click.option("--end", "end", required=True, type=_DATE, help="Contract end date (YYYY-MM-DD).")
@click.option("--phase", help="Begin tracking at this phase; earlier tasks are recorded as waived.")
@actor_option
@db_option
def partnership_start(
    name: str,
    workflow: str,
    start: dt.datetime,
    end: dt.datetime,
    phase: str | None,
    actor: str,
    db: str | None,
) -> None:
    """Start tracking partnership NAME; creates the database on first use."""
    tracker = open_tracker(db, workflow, create=True)
    started = tracker.start_partnership(name, workflow, start.date(), end.date(), actor=actor, phase=phase)
    click.echo(
        f"started {started.name}: {started.workflow_id}, phase {started.phase}, in {tracker.store.url}"
    )


@partnership.command("list")
@db_option
@workflow_option
def partnership_list(db: str | None, workflow: str | None) -> None:
    """List the tracked partnerships."""
    reads = open_reads(db, workflow)
    for row in reads.partnerships():
        changed = " (workflow changed: rebase)" if reads.changed(row) else ""
        click.echo(
            f"{row.name}\t{row.workflow_id}\t{row.phase}\t{row.contract_start}..{row.contract_end}{changed}"
        )


@partnership.command("rebase")
@click.argument("name")
@click.option("--force", is_flag=True, help="Drop tracked tasks that disappeared (logged).")
@click.option(
    "--rename",
    "renames",
    multiple=True,
    metavar="OLD=NEW",
    help="A task, gate, artifact or journey step renamed in the workflow; its state moves along. Repeatable.",
)
@actor_option
@db_option
@workflow_option
def partnership_rebase(
    name: str, force: bool, renames: tuple[str, ...], actor: str, db: str | None, workflow: str | None
) -> None:
    """Move partnership NAME to the current version of its workflow file."""
    tracker = open_tracker(db, workflow)
    from lifecycle.tracking.renames import parse_renames

    for line in tracker.rebase(name, actor=actor, force=force, renames=parse_renames(renames)):
        click.echo(line)
    click.echo(f"rebased {name}")


@click.group()
def task() -> None:
    """Start, finish, block or waive tasks."""


def _task_command(action: str, help_text: str) -> click.Command:
    @click.argument("name")
    @click.argument("tasks", nargs=-1, required=True)
    @actor_option
    @click.option("--note", callback=warn_if_personal, help="A note kept with the change.")
    @reason_option
    @db_option
    @workflow_option
    def command(
        name: str,
        tasks: tuple[str, ...],
        actor: str,
        note: str | None,
        reason: str | None,
        db: str | None,
        workflow: str | None,
        **extra: str | bool | None,
    ) -> None:
        tracker = open_tracker(db, workflow)
        evidence = extra.get("evidence")
        assert evidence is None or isinstance(evidence, str)
        changes = tracker.change_tasks(
            name,
            tasks,
            action,
            actor=actor,
            note=note,
            evidence=evidence,
            reason=reason,
            no_evidence=bool(extra.get("no_evidence")),
        )
        for change in changes:
            click.echo(f"{change.subject}: {change.before} -> {change.after}")

    command.__doc__ = help_text
    if action == "done":
        command = click.option(
            "--evidence",
            callback=warn_if_personal,
            help="Evidence (text or link) for the artifacts it produces.",
        )(command)
        command = click.option(
            "--no-evidence",
            is_flag=True,
            help="Finish a task that produces an artifact without evidence yet (needs --reason).",
        )(command)
    return task.command(action)(command)


_task_command("start", "Start TASKS of partnership NAME (their predecessors must be done or waived).")
_task_command("done", "Mark TASKS of partnership NAME done.")
_task_command("block", "Mark TASKS of partnership NAME blocked (say why with --note).")
_task_command("waive", "Waive TASKS of partnership NAME (say why with --note).")


@click.group()
def gate() -> None:
    """Check readiness gates and sign them off."""


@gate.command("check")
@click.argument("name")
@click.argument("gate_id", metavar="[GATE]", required=False)
@db_option
@workflow_option
def gate_check(name: str, gate_id: str | None, db: str | None, workflow: str | None) -> None:
    """Check the exit gate of phase GATE (the current phase by default).

    Exits 0 only when every criterion is met; lists every unmet one.
    """
    from lifecycle.cli.track_views import print_gate

    report = open_reads(db, workflow).check_gate(name, gate_id)
    print_gate(report)
    if not report.met:
        raise click.exceptions.Exit(1)


@gate.command("signoff")
@click.argument("name")
@click.argument("gate_id", metavar="GATE")
@actor_option
@click.option(
    "--evidence", required=True, callback=warn_if_personal, help="What the sign-off rests on (text or link)."
)
@click.option(
    "--role", help="Sign for this role only [default: every signing role PERSON holds or backs up]."
)
@db_option
@workflow_option
def gate_signoff(
    name: str, gate_id: str, actor: str, evidence: str, role: str | None, db: str | None, workflow: str | None
) -> None:
    """Sign off the exit gate of phase GATE; only holders (or backups) of its signing roles may."""
    signed = open_tracker(db, workflow).sign_off(name, gate_id, actor=actor, evidence=evidence, role=role)
    for line in signed:
        click.echo(f"{actor} signed {gate_id} {line.how}")
        for criterion in line.not_ready:
            click.echo(f"  stale for {criterion}: sign again once it is in place")


@gate.command("evidence")
@click.argument("name")
@click.argument("artifact")
@actor_option
@click.option(
    "--evidence",
    required=True,
    callback=warn_if_personal,
    help="Where the artifact is, or what shows it exists.",
)
@reason_option
@db_option
@workflow_option
def gate_evidence(
    name: str,
    artifact: str,
    actor: str,
    evidence: str,
    reason: str | None,
    db: str | None,
    workflow: str | None,
) -> None:
    """Record evidence that ARTIFACT exists (without finishing the task that makes it)."""
    open_tracker(db, workflow).record_evidence(name, artifact, evidence, actor=actor, reason=reason)
    click.echo(f"evidence recorded for {artifact}")


@click.command()
@click.argument("name")
@actor_option
@db_option
@workflow_option
def advance(name: str, actor: str, db: str | None, workflow: str | None) -> None:
    """Move partnership NAME to its next phase, if the exit gate is met."""
    change = open_tracker(db, workflow).advance(name, actor=actor)
    click.echo(f"{name}: {change.before} -> {change.after}")


@click.group()
def db() -> None:
    """Manage the tracking database."""


@db.command("upgrade")
@db_option
@workflow_option
def db_upgrade(db: str | None, workflow: str | None) -> None:
    """Create the database or bring it to the latest schema."""
    from lifecycle.store import database_url, upgrade

    url = database_url(db, workflow=workflow)
    revision = upgrade(url)
    click.echo(f"database at schema revision {revision}")


for _command in (db_link, db_unlink, db_links):
    db.add_command(_command)
