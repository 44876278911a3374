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
    from lifecycle.drawing.output import write_atomic
    from lifecycle.interchange.bpmn_export import export_bpmn
    from lifecycle.loader import load

    if phases and journey:
        raise click.UsageError("choose one of --phase and --journey")
    write_atomic(output, export_bpmn(load(file).workflow, phases=phases, journey=journey))
    click.echo(f"wrote {output}")
