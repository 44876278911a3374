"""``lifecycle validate``: load workflow files and report every problem."""

from __future__ import annotations

import click

from lifecycle.cli.output import load_all, print_diagnostics
from lifecycle.words import count


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-q", "--quiet", is_flag=True, help="Print problems only, no summaries.")
def validate(files: tuple[str, ...], quiet: bool) -> None:
    """Validate workflow FILES: syntax, fields, types and references.

    Prints one line per problem (FILE:LINE:COL: error CODE: message) and a
    summary of each valid file. Exits 1 when any file is invalid.
    """
    from lifecycle.summary import summarize

    documents, problems = load_all(files)
    print_diagnostics(problems, err=True)
    if not quiet:
        valid = click.style("valid", fg="green")
        for document in documents:
            click.echo(f"{click.style(document.path, bold=True)}: {valid}; {summarize(document.workflow)}")
        if len(files) > 1:
            click.echo(f"{len(documents)} of {count(len(files), 'file')} valid")
    if problems:
        raise click.exceptions.Exit(1)
