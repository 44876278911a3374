"""Rich tables for the tracking commands: status, gates, journeys, escalations."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from lifecycle.tracking import GateReport
    from lifecycle.tracking.escalations import EscalationLine
    from lifecycle.tracking.status import Status

_STATE_STYLES = {
    "todo": "dim",
    "in-progress": "yellow",
    "done": "green",
    "blocked": "bold red",
    "waived": "cyan",
}


def console() -> Console:
    """A console on stdout; wide enough for the tables when output is piped."""
    width = None if sys.stdout.isatty() else max(120, shutil.get_terminal_size((120, 24)).columns)
    return Console(file=sys.stdout, width=width)


def print_status(status: Status, today: dt.date | None = None) -> None:
    """Print a partnership's status: phase, tasks, gates, blockers, deadlines."""
    today = today or dt.date.today()
    out = console()
    p = status.partnership
    out.print(
        f"[bold]{p.name}[/]: {status.workflow.title} ({p.workflow_id}); "
        f"contract {p.contract_start} to {p.contract_end}"
    )
    out.print(f"current phase: [bold]{p.phase}[/] ({status.phase_title})")
    if status.workflow_changed:
        out.print(
            f"[bold red]the workflow file changed since this partnership started[/]: "
            f"run `lifecycle partnership rebase {p.name}`"
        )
    tasks = Table(title="Tasks", title_justify="left")
    for column in ("phase", "task", "state", "waiting on"):
        tasks.add_column(column)
    for line in status.tasks:
        tasks.add_row(
            line.phase,
            line.id,
            Text(line.state, style=_STATE_STYLES.get(line.state, "")),
            ", ".join(line.waiting_on),
        )
    out.print(tasks)
    for report in status.gates:
        _gate_table(out, report, current=report.phase == p.phase)
    out.print("[bold]Blockers[/]" if status.blockers else "[bold]Blockers[/]: none")
    for blocker in status.blockers:
        out.print(f"  - {blocker}")
    if status.escalations:
        print_escalations(status.escalations, out, title="Open escalations")
    if status.deadlines:
        deadlines = Table(title="Deadlines", title_justify="left")
        for column in ("task", "due", "date", "status"):
            deadlines.add_column(column)
        for d in status.deadlines:
            when = d.describe(today)
            style = "bold red" if when.startswith("overdue") else ""
            deadlines.add_row(d.task, d.due, str(d.date or "-"), Text(when, style=style))
        out.print(deadlines)


def print_escalations(
    lines: list[EscalationLine], out: Console | None = None, title: str = "Escalations"
) -> None:
    """Print escalations: level, who has them, due or overdue, who is next."""
    out = out or console()
    table = Table(title=title, title_justify="left")
    for column in ("#", "path", "subject", "state", "with", "response", "next"):
        table.add_column(column, overflow="fold")
    for e in lines:
        due = Text(e.describe_due(), style="bold red" if e.overdue is not None else "")
        table.add_row(str(e.number), e.path, e.subject, e.state, e.describe_with(), due, e.describe_next())
    out.print(table)


def print_gate(report: GateReport) -> None:
    """Print one gate, criterion by criterion, and whether it is met."""
    out = console()
    _gate_table(out, report, current=True)
    state = report.state()
    style = "bold green" if report.met else "dim" if report.untracked else "bold red"
    verdict, _, rest = state.partition(":")
    out.print(f"gate {report.phase}: [{style}]{verdict}[/]" + (f":{rest}" if rest else ""))


def _gate_table(out: Console, report: GateReport, *, current: bool) -> None:
    launch = " (launch)" if report.launch else ""
    marker = " [current]" if current else ""
    title = f"Gate {report.phase}: {report.title}{launch}{marker}"
    if report.untracked is not None:
        out.print(f"[bold]{title}[/]: [dim]{report.state()}[/]")
        return
    table = Table(title=title, title_justify="left")
    for column in ("criterion", "met", "unmet", "evidence"):
        table.add_column(column, overflow="fold")
    for c in report.criteria:
        met = Text("met", style="green") if c.met else Text("unmet", style="bold red")
        stale = [f"stale: {line}" for line in c.stale]
        table.add_row(c.id, met, "\n".join([*c.unmet, *stale]), "\n".join(c.evidence))
    for problem in report.problems:
        table.add_row("-", Text("unmet", style="bold red"), problem, "")
    out.print(table)
