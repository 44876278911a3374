"""``lifecycle validate``: load workflow files and report every problem."""

from __future__ import annotations

import click

from lifecycle.cli.output import print_diagnostics
from lifecycle.diagnostics import LoadError


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-q", "--quiet", is_flag=True, help="Print problems only, no summaries.")
def validate(files: tuple[str, ...], quiet: bool) -> None:
    """Validate workflow FILES: syntax, fields, types and references.

    Prints one line per problem (FILE:LINE:COL: error CODE: message) and a
    summary of each valid file. Exits 1 when any file is invalid.
    """
    from lifecycle.loader import load
    from lifecycle.summary import summarize

    invalid = 0
    for path in files:
        try:
            document = load(path)
        except LoadError as exc:
            invalid += 1
            print_diagnostics(exc.diagnostics)
            continue
        if not quiet:
            valid = click.style("valid", fg="green")
            click.echo(f"{click.style(path, bold=True)}: {valid}; {summarize(document.workflow)}")
    if len(files) > 1 and not quiet:
        click.echo(f"{len(files) - invalid} of {len(files)} files valid")
    if invalid:
        raise click.exceptions.Exit(1)
