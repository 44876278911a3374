"""Rich tables for the tracking commands: status, gates, journeys, escalations."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from lifecycle.cli.terminal import literal

if TYPE_CHECKING:
    from lifecycle.tracking import GateReport
    from lifecycle.tracking.escalation_lines import EscalationLine
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
        Text.assemble(
            literal(p.name, "bold"),
            literal(f": {status.workflow.title} ({p.workflow_id}); "),
            f"contract {p.contract_start} to {p.contract_end}",
        )
    )
    out.print(Text.assemble("current phase: ", literal(p.phase, "bold"), literal(f" ({status.phase_title})")))
    if status.workflow_changed:
        out.print(
            Text.assemble(
                Text("the workflow file changed since this partnership started", style="bold red"),
                literal(f": run `lifecycle partnership rebase {p.name}`"),
            )
        )
    tasks = Table(title="Tasks", title_justify="left")
    for column in ("phase", "task", "state", "waiting on"):
        tasks.add_column(column)
    for line in status.tasks:
        tasks.add_row(
            literal(line.phase),
            literal(line.id),
            literal(line.state, _STATE_STYLES.get(line.state, "")),
            literal(", ".join(line.waiting_on)),
        )
    out.print(tasks)
    for report in status.gates:
        _gate_table(out, report, current=report.phase == p.phase)
    out.print(Text("Blockers", style="bold") + Text("" if status.blockers else ": none"))
    for blocker in status.blockers:
        out.print(literal(f"  - {blocker}"))
    if status.escalations:
        print_escalations(status.escalations, out, title="Open escalations")
    if status.deadlines:
        deadlines = Table(title="Deadlines", title_justify="left")
        for column in ("task", "due", "date", "status"):
            deadlines.add_column(column)
        for d in status.deadlines:
            when = d.describe(today)
            style = "bold red" if when.startswith("overdue") else ""
            deadlines.add_row(literal(d.task), literal(d.due), str(d.date or "-"), literal(when, style))
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
        due = literal(e.describe_due(), "bold red" if e.overdue is not None else "")
        table.add_row(
            str(e.number),
            literal(e.path),
            literal(e.subject),
            literal(e.state),
            literal(e.describe_with()),
            due,
            literal(e.describe_next()),
        )
    out.print(table)


def print_gate(report: GateReport) -> None:
    """Print one gate, criterion by criterion, and whether it is met."""
    out = console()
    _gate_table(out, report, current=True)
    state = report.state()
    style = "bold green" if report.met else "dim" if report.untracked else "bold red"
    verdict, _, rest = state.partition(":")
    out.print(
        Text.assemble(
            literal(f"gate {report.phase}: "), literal(verdict, style), literal(f":{rest}" if rest else "")
        )
    )


def _gate_table(out: Console, report: GateReport, *, current: bool) -> None:
    launch = " (launch)" if report.launch else ""
    marker = " [current]" if current else ""
    title = literal(f"Gate {report.phase}: {report.title}{launch}{marker}")
    if report.untracked is not None:
        out.print(Text.assemble(literal(title.plain, "bold"), ": ", literal(report.state(), "dim")))
        return
    table = Table(title=title, title_justify="left")
    for column in ("criterion", "met", "unmet", "evidence"):
        table.add_column(column, overflow="fold")
    for c in report.criteria:
        met = Text("met", style="green") if c.met else Text("unmet", style="bold red")
        stale = [f"stale: {line}" for line in c.stale]
        table.add_row(
            literal(c.id), met, literal("\n".join([*c.unmet, *stale])), literal("\n".join(c.evidence))
        )
    for problem in report.problems:
        table.add_row("-", Text("unmet", style="bold red"), literal(problem), "")
    out.print(table)
