"""``lifecycle render`` and ``lifecycle raci``: draw maps and RACI tables of a workflow."""

from __future__ import annotations

import sys

import click

from lifecycle.drawing import MAP_FORMATS


def _progress(message: str) -> None:
    click.echo(f"lifecycle: {message} ...", err=True)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--phase", "phases", multiple=True, metavar="ID", help="Map only this phase (repeatable).")
@click.option("--journey", metavar="ID", help="Draw the journey map of this member journey.")
@click.option("--overview", is_flag=True, help="Draw the lifecycle overview (phases and gates).")
@click.option("--all", "everything", is_flag=True, help="Write every map of FILE into the folder -o names.")
@click.option(
    "--book",
    is_flag=True,
    help="Write one multi-page PDF: overview, each phase, each journey, the RACI and the findings.",
)
@click.option(
    "--paper",
    type=click.Choice(("letter", "a4")),
    default="letter",
    show_default=True,
    help="Page size of --book (landscape).",
)
@click.option("--overlay/--no-overlay", default=False, help="Mark check findings on the map.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(MAP_FORMATS),
    default=None,
    help="Output format (default: from the -o suffix, else svg).",
)
@click.option(
    "-o", "--output", required=True, type=click.Path(), help="The file (or folder, with --all) to write."
)
def render(
    file: str,
    phases: tuple[str, ...],
    journey: str | None,
    overview: bool,
    everything: bool,
    book: bool,
    paper: str,
    overlay: bool,
    fmt: str | None,
    output: str,
) -> None:
    """Draw a map of FILE as SVG, PNG, PDF, DOT or Mermaid, or the map book.

    The swimlane map of every phase (or of each --phase), a --journey map or the
    lifecycle --overview.

    With --all, write every map (SVG, PNG and DOT), the Mermaid swimlane and the
    RACI table into the folder -o names. With --book, write the map book: one PDF
    for a report or the room. Progress goes to stderr on a terminal.
    """
    from lifecycle.drawing.book import book_pdf
    from lifecycle.drawing.gallery import write_gallery
    from lifecycle.drawing.maps import build_map
    from lifecycle.drawing.output import MAP_SUFFIXES, format_of, write_map
    from lifecycle.loader import load
    from lifecycle.safe_output import write_file

    chosen = sum([bool(phases), journey is not None, overview, everything, book])
    if chosen > 1:
        raise click.UsageError("choose one of --phase, --journey, --overview, --all and --book")
    if overlay and (overview or everything or book):
        raise click.UsageError("--overlay marks swimlane and journey maps only")
    if book and (fmt or format_of(output, MAP_SUFFIXES, "pdf")) != "pdf":
        raise click.UsageError("--book writes a PDF: name a .pdf file with -o")
    progress = _progress if sys.stderr.isatty() else None
    document = load(file)
    if book:
        write_file(output, book_pdf(document, paper, progress))
        click.echo(f"wrote {output}")
        return
    if everything:
        written = write_gallery(document, output, progress)
        click.echo(f"wrote {len(written)} files to {output}")
        return
    if fmt is None:
        fmt = format_of(output, MAP_SUFFIXES, "svg")
    if progress:
        progress(f"laying out {file}")
    figure = build_map(document, phases=phases, journey=journey, overview=overview, overlay=overlay)
    write_map(figure, fmt, output, progress)
    click.echo(f"wrote {output}")


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("md", "csv", "xlsx", "html")),
    default=None,
    help="Output format (default: from the -o suffix, else md).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    default="-",
    show_default=True,
    help="The file to write ('-' prints text formats).",
)
def raci(file: str, fmt: str | None, output: str) -> None:
    """Write the RACI matrix of FILE (tasks by roles) as Markdown, CSV, XLSX or HTML."""
    from lifecycle.drawing.output import format_of
    from lifecycle.drawing.raci import raci_matrix
    from lifecycle.drawing.raci_export import RACI_SUFFIXES, raci_csv, raci_html, raci_markdown, raci_xlsx
    from lifecycle.loader import load
    from lifecycle.safe_output import write_file

    if fmt is None:
        fmt = "md" if output == "-" else format_of(output, RACI_SUFFIXES, "md", what="RACI")
    matrix = raci_matrix(load(file).workflow)
    if fmt == "xlsx":
        if output == "-":
            raise click.UsageError("XLSX is a binary format: name a file with -o")
        data = raci_xlsx(matrix)
    else:
        writer = {"md": raci_markdown, "csv": raci_csv, "html": raci_html}[fmt]
        text = writer(matrix)
        if output == "-":
            click.echo(text, nl=False)
            return
        data = text.encode("utf-8")
    write_file(output, data)
    click.echo(f"wrote {output}")
