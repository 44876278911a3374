"""``lifecycle status`` and ``lifecycle log``: a partnership's state and its audit trail."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from lifecycle.cli.terminal import shown
from lifecycle.cli.track_options import at_option, db_option, open_reads, workflow_option

if TYPE_CHECKING:
    from lifecycle.store.records import AuditRecord


@click.command()
@click.argument("name")
@at_option
@db_option
@workflow_option
def status(name: str, at: dt.datetime | None, db: str | None, workflow: str | None) -> None:
    """Show partnership NAME: phase, tasks, gates with evidence, blockers,
    deadlines, open escalations (overdue first, with who is next)."""
    from lifecycle.cli.track_views import print_status
    from lifecycle.tracking.status import partnership_status

    print_status(partnership_status(open_reads(db, workflow), name, at), at.date() if at else None)


@click.command()
@click.argument("name")
@click.option("--actor", metavar="PERSON", help="Only changes made by PERSON.")
@click.option("--action", help="Only this action or family (task, task.done, gate.signoff, advance, ...).")
@click.option("--subject", help="Only changes to this task, gate, journey or escalation.")
@click.option("--since", type=click.DateTime(), help="Only changes at or after this date/time (UTC).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "csv", "events", "xes"]),
    default="text",
    show_default=True,
    help="csv: the audit trail; events: an event log as CSV; xes: an event log as XES (IEEE 1849).",
)
@db_option
@workflow_option
def log(
    name: str,
    actor: str | None,
    action: str | None,
    subject: str | None,
    since: dt.datetime | None,
    fmt: str,
    db: str | None,
    workflow: str | None,
) -> None:
    """Print the audit trail of partnership NAME: who, when, what, from, to.

    As an event log (--format events or xes: case, activity, timestamp,
    resource, lifecycle transition) for process-mining tools and
    `lifecycle conformance`; docs/conformance.md maps audit actions to events.
    """
    from lifecycle.tracking.audit import AUDIT_COLUMNS, audit_csv, audit_rows

    since_utc = since.replace(tzinfo=dt.UTC) if since else None
    reads = open_reads(db, workflow)
    entries = reads.audit(name, actor=actor, action=action, subject=subject, since=since_utc)
    if fmt in ("events", "xes"):
        _event_log(name, entries, fmt)
        return
    evidence = reads.evidence_texts(name)
    if fmt == "csv":
        click.echo(audit_csv(entries, evidence), nl=False)
        return
    for row in audit_rows(entries, evidence):
        values = dict(zip(AUDIT_COLUMNS, row, strict=True))
        moved = f"{values['from'] or '-'} -> {values['to'] or '-'}"
        refused = " REFUSED" if values["outcome"] != "ok" else ""
        detail = f"  ({values['detail']})" if values["detail"] else ""
        what = f"{values['action']}{refused}  {values['subject']}  {moved}{detail}"
        click.echo(shown(f"{values['at']}  {values['actor']}  {what}"))


def _event_log(name: str, entries: list[AuditRecord], fmt: str) -> None:
    import io

    from lifecycle.interchange.history import events_csv, history_events, write_xes

    events = history_events(name, entries)
    if fmt == "events":
        click.echo(events_csv(events), nl=False)
        return
    buffer = io.StringIO()
    write_xes(events, buffer, name=name)
    click.echo(buffer.getvalue(), nl=False)
