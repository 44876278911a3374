"""``lifecycle export`` and ``lifecycle import``: BPMN 2.0 out of and into workflow files."""

from __future__ import annotations

import click


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
    """Read another tool's file (BPMN 2.0) into a workflow file."""


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
