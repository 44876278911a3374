"""``lifecycle journey`` and ``lifecycle escalate``: member journeys and escalations."""

from __future__ import annotations

import datetime as dt

import click

from lifecycle.cli.track_options import (
    actor_option,
    at_option,
    db_option,
    open_reads,
    open_tracker,
    reason_option,
    warn_if_personal,
    workflow_option,
)


@click.group()
def journey() -> None:
    """Move members through a journey, keyed by an opaque member key (never a name)."""


@journey.command("start")
@click.argument("name")
@click.argument("journey_id", metavar="JOURNEY")
@click.argument("member_key")
@actor_option
@reason_option
@db_option
@workflow_option
def journey_start(
    name: str,
    journey_id: str,
    member_key: str,
    actor: str,
    reason: str | None,
    db: str | None,
    workflow: str | None,
) -> None:
    """Start JOURNEY of partnership NAME for the member MEMBER_KEY (a referral or case number)."""
    change = open_tracker(db, workflow).start_journey(
        name, journey_id, member_key, actor=actor, reason=reason
    )
    click.echo(f"{change.subject}: referred, at step {change.after}")


@journey.command("move")
@click.argument("name")
@click.argument("journey_id", metavar="JOURNEY")
@click.argument("member_key")
@click.argument("to", metavar="STEP")
@actor_option
@reason_option
@db_option
@workflow_option
def journey_move(
    name: str,
    journey_id: str,
    member_key: str,
    to: str,
    actor: str,
    reason: str | None,
    db: str | None,
    workflow: str | None,
) -> None:
    """Move member MEMBER_KEY to STEP (a step or exit that follows the current step)."""
    change = open_tracker(db, workflow).move_journey(
        name, journey_id, member_key, to, actor=actor, reason=reason
    )
    click.echo(f"{member_key}: {change.before} -> {change.after}")


@journey.command("list")
@click.argument("name")
@db_option
@workflow_option
def journey_list(name: str, db: str | None, workflow: str | None) -> None:
    """List the member journeys of partnership NAME: journey, member, episode, step, last change."""
    for row in open_reads(db, workflow).journeys(name):
        click.echo(
            f"{row.journey_id}\t{row.member_key}\t{row.episode}\t{row.step}\t{row.updated_at:%Y-%m-%d %H:%M}"
        )


@click.group()
def escalate() -> None:
    """Raise an issue on an escalation path, move it up a level, resolve it."""


@escalate.command("open")
@click.argument("name")
@click.argument("path")
@click.argument("subject", callback=warn_if_personal)
@actor_option
@reason_option
@db_option
@workflow_option
def escalate_open(
    name: str, path: str, subject: str, actor: str, reason: str | None, db: str | None, workflow: str | None
) -> None:
    """Raise SUBJECT (an opaque reference, e.g. a ticket number) on escalation PATH."""
    number, level = open_tracker(db, workflow).open_escalation(
        name, path, subject, actor=actor, reason=reason
    )
    click.echo(f"escalation #{number} opened on {path}: with {level}")


def _move(command_name: str, action: str, help_text: str) -> None:
    @click.argument("name")
    @click.argument("number", type=int)
    @actor_option
    @reason_option
    @db_option
    @workflow_option
    def command(
        name: str, number: int, actor: str, reason: str | None, db: str | None, workflow: str | None
    ) -> None:
        change = open_tracker(db, workflow).move_escalation(name, number, action, actor=actor, reason=reason)
        click.echo(f"escalation {change.subject}: {change.before} -> {change.after}")

    command.__doc__ = help_text
    escalate.command(command_name)(command)


_move("up", "escalate", "Escalate escalation NUMBER of partnership NAME to the next level.")
_move("resolve", "resolve", "Resolve escalation NUMBER of partnership NAME.")


@escalate.command("list")
@click.argument("name")
@at_option
@db_option
@workflow_option
def escalate_list(name: str, at: dt.datetime | None, db: str | None, workflow: str | None) -> None:
    """List the escalations of partnership NAME: level, who has it, whether its
    response is overdue, and who is next."""
    from lifecycle.cli.track_views import print_escalations

    print_escalations(open_reads(db, workflow).escalation_lines(name, at))
