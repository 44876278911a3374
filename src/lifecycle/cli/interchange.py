"""``lifecycle export`` and ``lifecycle import``: BPMN 2.0 out of and into workflow files,
and a FHIR Bundle of Tasks into an event log."""

from __future__ import annotations

import os

import click

from lifecycle.cli.fhir_options import fhir_options


@click.group("export")
def export() -> None:
    """Write a workflow in another tool's format (BPMN 2.0)."""


@export.command("bpmn")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--phase", "phases", multiple=True, metavar="ID", help="Export only this phase (repeatable).")
@click.option("--journey", metavar="ID", help="Export this member journey instead of phases.")
@click.option("-o", "--output", required=True, type=click.Path(), help="The .bpmn file to write.")
def export_bpmn_command(file: str, phases: tuple[str, ...], journey: str | None, output: str) -> None:
    """Export FILE as a BPMN 2.0 collaboration with pools, lanes and layout.

    One pool per organization, one lane per role, tasks in the lane of the role
    that performs them, laid out as on lifecycle's swimlane (or --journey) map,
    so bpmn.io and Camunda Modeler open it drawn.
    """
    from lifecycle.interchange.bpmn_export import export_bpmn
    from lifecycle.loader import load
    from lifecycle.safe_output import write_file

    if phases and journey:
        raise click.UsageError("choose one of --phase and --journey")
    write_file(output, export_bpmn(load(file).workflow, phases=phases, journey=journey))
    click.echo(f"wrote {output}")


@click.group("import")
def import_() -> None:
    """Read another tool's file: BPMN 2.0 into a workflow file, a FHIR Bundle into an event log."""


@import_.command("bpmn")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(), help="The workflow file (.yaml) to write.")
def import_bpmn_command(file: str, output: str) -> None:
    """Import FILE.bpmn as a workflow: pools as organizations, lanes as roles.

    Tasks, sequence flows (order), message flows (handoffs), gateways, start,
    end and conditional events are read; every other element is listed with its
    line, kind and id, and left out. The workflow is validated before it is written.
    """
    from lifecycle.interchange.bpmn_import import import_bpmn, workflow_yaml
    from lifecycle.loader import loads
    from lifecycle.safe_output import write_file
    from lifecycle.words import count

    imported = import_bpmn(file)
    text = workflow_yaml(imported, file)
    workflow = loads(text, output).workflow
    write_file(output, text.encode("utf-8"))
    numbers = {
        "organization": len(workflow.organizations),
        "role": len(workflow.roles),
        "task": len(workflow.tasks()),
        "journey step": sum(len(j.steps) for j in workflow.journeys.values()),
        "handoff": len(workflow.handoffs),
    }
    parts = [count(n, noun) for noun, n in numbers.items() if n]
    click.echo(f"wrote {output}: {', '.join(parts)}")
    if imported.skipped:
        click.echo(f"left out {count(len(imported.skipped), 'element')} outside the subset lifecycle reads:")
        for item in imported.skipped:
            click.echo(f"  {file}:{item.line}: {item.kind} {item.element}")
    for note in imported.notes:
        click.echo(f"note: {note}")


@import_.command("fhir")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="The event log to write: .csv (the columns lifecycle conformance reads) or .xes.",
)
@click.option(
    "--on-bad-row",
    type=click.Choice(["skip", "fail"]),
    default="skip",
    show_default=True,
    help="Report invalid Tasks and Provenance and go on, or refuse the Bundle at the first one.",
)
@fhir_options
def import_fhir_command(
    file: str, output: str, on_bad_row: str, fhir_case: str, fhir_time: str, fhir_who: str
) -> None:
    """Convert FILE, a FHIR Bundle of Task versions (JSON), to an event log.

    One case per Task, one event per status change, the activity being the
    Task.status code; who made it from Provenance (docs/conformance.md).
    Invalid resources are listed on stderr with their Bundle entry index and
    the path of the fault inside the resource.
    """
    import io

    from lifecycle.diagnostics import LifecycleError
    from lifecycle.interchange.fhir_tasks import FhirTaskReader, fhir_task_options
    from lifecycle.interchange.history import events_csv, write_xes
    from lifecycle.safe_output import write_file
    from lifecycle.words import count

    suffix = os.path.splitext(output)[1].lower()
    if suffix not in (".csv", ".xes"):
        raise LifecycleError(f"{output}: write the events to a .csv or .xes file")
    options = fhir_task_options(fhir_case, fhir_time, fhir_who)
    reader = FhirTaskReader(file, options, on_bad_row="fail" if on_bad_row == "fail" else "skip")
    events = reader.events()
    for row in reader.bad_rows:
        click.echo(f"{file}: {row} (skipped)", err=True)
    if suffix == ".xes":
        buffer = io.StringIO()
        try:
            write_xes(events, buffer, name=os.path.basename(file))
        except LifecycleError as exc:
            raise LifecycleError(f"{output}: {exc}") from None
        text = buffer.getvalue()
    else:
        text = events_csv(events)
    write_file(output, text.encode("utf-8"))
    cases = len({event.case for event in events})
    skipped = f"; skipped {count(reader.bad_row_count, 'invalid resource')}" if reader.bad_row_count else ""
    click.echo(f"wrote {output}: {count(len(events), 'event')} of {count(cases, 'case')}{skipped}")
