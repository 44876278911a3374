"""``lifecycle schema``: the JSON Schema of the workflow format."""

from __future__ import annotations

import click


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to a file instead of standard output.",
)
def schema(output: str | None) -> None:
    """Print the JSON Schema of the workflow file format.

    Editors use it to autocomplete and check workflow files as you type, e.g.
    with the YAML language server, put this first line in a workflow file:

    \b
        # yaml-language-server: $schema=../docs/workflow.schema.json
    """
    from lifecycle.schema import schema_json

    text = schema_json()
    if output is None:
        click.echo(text)
    else:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
        click.echo(f"wrote {output}", err=True)
