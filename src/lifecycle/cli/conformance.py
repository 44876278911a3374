"""``lifecycle conformance``: replay a log of real referrals against a journey."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import cast

import click

from lifecycle.cli.fhir_options import fhir_options


class _Span(click.ParamType):  # type: ignore[type-arg]  # click 8.3 made it generic; 8.1 is not
    name = "SPAN"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.timedelta:
        if isinstance(value, dt.timedelta):
            return value
        from lifecycle.interchange.conformance import parse_span

        try:
            return parse_span(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


@contextmanager
def _progress_bar(total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr when it is a terminal; otherwise nothing."""
    if not sys.stderr.isatty():
        yield lambda done: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    with Progress(
        "replaying",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("replay", total=total)
        yield lambda done: bar.update(task, completed=done)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--journey", "journey_id", required=True, metavar="ID", help="The journey the cases should follow."
)
@click.option(
    "--log",
    "log_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="The event log: .csv (optionally .gz or .bz2), .xes, or .json (a FHIR Bundle of Tasks).",
)
@click.option(
    "--log-format",
    type=click.Choice(["auto", "csv", "xes", "fhir"]),
    default="auto",
    show_default=True,
    help="How to read the log; auto goes by its name (.xes, .json: FHIR, else CSV).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write the report here instead of stdout."
)
@click.option("--case-column", default="case", show_default=True, help="CSV column of the case id.")
@click.option("--activity-column", default="activity", show_default=True, help="CSV column of the activity.")
@click.option(
    "--timestamp-column", default="timestamp", show_default=True, help="CSV column of the timestamp."
)
@click.option(
    "--resource-column", default=None, help="CSV column of who did it [default: resource, if present]."
)
@click.option(
    "--on-bad-row",
    type=click.Choice(["skip", "fail"]),
    default="skip",
    show_default=True,
    help="Report malformed rows and go on, or refuse the log at the first one.",
)
@click.option(
    "--open-limit",
    type=_Span(),
    default="30d",
    show_default=True,
    help="A case not at an exit this long after its first event is open-too-long.",
)
@click.option(
    "--as-of",
    type=click.DateTime(),
    default=None,
    help="Judge open cases at this UTC time [default: the log's latest timestamp].",
)
@click.option("--show", default=20, show_default=True, help="Deviating cases listed in text output.")
@fhir_options
def conformance(
    file: str,
    journey_id: str,
    log_path: str,
    fmt: str,
    output: str | None,
    case_column: str,
    activity_column: str,
    timestamp_column: str,
    resource_column: str | None,
    on_bad_row: str,
    open_limit: dt.timedelta,
    as_of: dt.datetime | None,
    show: int,
    log_format: str,
    fhir_case: str,
    fhir_time: str,
    fhir_who: str,
) -> None:
    """Replay an event log of real referrals against a journey of FILE.

    Per case: fit, or each deviation (skipped-step, out-of-order, wrong-role,
    unknown-activity, open-too-long); overall fitness; stage-to-stage
    conversion and time; where open cases stall. Malformed rows are listed on
    stderr with their line numbers. Kinds are defined in docs/conformance.md.

    A FHIR Bundle of Task versions is read as one case per Task and one event
    per status change (--fhir-* options; docs/conformance.md); invalid Tasks are
    listed with their Bundle entry index and the path of the fault.
    """
    from lifecycle.diagnostics import LifecycleError
    from lifecycle.interchange.conformance import replay
    from lifecycle.interchange.conformance_report import as_html, as_json, as_text
    from lifecycle.interchange.event_log import LogColumns, OnBadRow
    from lifecycle.interchange.fhir_tasks import fhir_task_options
    from lifecycle.interchange.journey_moves import JourneyMoves
    from lifecycle.interchange.log_reader import LogFormat, open_log
    from lifecycle.loader import load
    from lifecycle.safe_output import write_file
    from lifecycle.words import count

    workflow = load(file).workflow
    try:
        JourneyMoves.of(workflow, journey_id)
    except LifecycleError as exc:
        raise LifecycleError(f"{file}: {exc}") from None
    bad: OnBadRow = "fail" if on_bad_row == "fail" else "skip"
    reader = open_log(
        log_path,
        cast(LogFormat, log_format),
        columns=LogColumns(case_column, activity_column, timestamp_column, resource_column),
        fhir=fhir_task_options(fhir_case, fhir_time, fhir_who),
        on_bad_row=bad,
    )
    with _progress_bar(reader.total_bytes if _exists(log_path) else 0) as advance:
        result = replay(
            workflow,
            journey_id,
            reader,
            open_limit=open_limit,
            as_of=as_of,
            unit=reader.unit,
            progress=lambda _: advance(reader.bytes_read),
        )
    for row in reader.bad_rows:
        click.echo(f"{log_path}: {row} (skipped)", err=True)
    if reader.bad_row_count:
        more = reader.bad_row_count - len(reader.bad_rows)
        listed = f", {more} more not listed" if more else ""
        click.echo(f"{log_path}: skipped {count(reader.bad_row_count, 'malformed row')}{listed}", err=True)
    if fmt == "json":
        text = as_json(result, reader.bad_rows, reader.bad_row_count)
    elif fmt == "html":
        title = f"Conformance of {os.path.basename(log_path)} to journey {journey_id}"
        text = as_html(result, reader.bad_rows, reader.bad_row_count, title=title)
    else:
        text = as_text(result, show=show)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_file(output, text.encode("utf-8"))
        click.echo(f"wrote {output}")


def _exists(path: str) -> bool:
    return os.path.isfile(path)
