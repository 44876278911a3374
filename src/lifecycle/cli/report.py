"""``lifecycle report``: the JOC report of a partnership, as HTML or PDF."""

from __future__ import annotations

import datetime as dt

import click

from lifecycle.cli.track_options import at_option, db_option, open_reads, workflow_option


@click.command()
@click.argument("name")
@click.option(
    "--log",
    "log_path",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="A log of real referrals to replay: .csv (optionally .gz or .bz2), .xes, or .json (a FHIR "
    "Bundle of Tasks, read as lifecycle conformance reads it).",
)
@click.option(
    "--journey",
    "journey_id",
    default="member",
    show_default=True,
    metavar="ID",
    help="The journey the log's cases should follow.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Where to write the report: a .html or .pdf file.",
)
@at_option
@db_option
@workflow_option
def report(
    name: str,
    log_path: str | None,
    journey_id: str,
    output: str,
    at: dt.datetime | None,
    db: str | None,
    workflow: str | None,
) -> None:
    """Write the joint operating committee report of partnership NAME.

    Gate readiness with open criteria and stale sign-offs, open escalations
    (overdue levels first), the resilience score; with --log, the referral
    funnel and conversion by stage, time between stages, referrals per week and
    deviations from the map, as charts that read in black and white.
    """
    from lifecycle.diagnostics import LifecycleError
    from lifecycle.report.joc import joc_report
    from lifecycle.safe_output import write_file

    kind = output.lower().rsplit(".", 1)[-1]
    if kind not in ("html", "pdf"):
        raise LifecycleError(f"{output}: write the report to a .html or .pdf file")
    found = joc_report(open_reads(db, workflow), name, log=log_path, journey=journey_id, now=at)
    from lifecycle.report.joc_document import as_html, as_pdf

    data = as_html(found).encode("utf-8") if kind == "html" else as_pdf(found)
    write_file(output, data)
    click.echo(f"wrote {output}")
