"""What the commands share: loading the files they are given, and printing
diagnostics as one coloured line each."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import click

from lifecycle.diagnostics import Diagnostic, LoadError, Severity
from lifecycle.words import count

if TYPE_CHECKING:
    from lifecycle.loader import Document


def load_all(paths: Iterable[str]) -> tuple[list[Document], list[Diagnostic]]:
    """Load every file in ``paths``: the documents that load, and every problem
    of those that do not (one file's errors never stop the others)."""
    from lifecycle.loader import load

    documents: list[Document] = []
    problems: list[Diagnostic] = []
    for path in paths:
        try:
            documents.append(load(path))
        except LoadError as exc:
            problems.extend(exc.diagnostics)
    return documents, problems


def print_diagnostics(diagnostics: Iterable[Diagnostic], *, err: bool = False) -> None:
    """Print each diagnostic as ``FILE:LINE:COL: severity CODE: message (hint)``.

    Colour is added on a terminal; click strips it in a pipe.
    """
    for d in diagnostics:
        head = click.style(f"{d.severity} {d.code}", fg=d.severity.colour, bold=True)
        hint = click.style(f" ({d.hint})", dim=True) if d.hint else ""
        click.echo(f"{click.style(str(d.location), bold=True)}: {head}: {d.message}{hint}", err=err)


_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def print_grouped(diagnostics: Iterable[Diagnostic]) -> None:
    """Print diagnostics grouped by severity, errors first, each group under a
    heading and in file order; lines as :func:`print_diagnostics` prints them."""
    groups: dict[Severity, list[Diagnostic]] = {s: [] for s in _ORDER}
    for d in diagnostics:
        groups[d.severity].append(d)
    for severity in _ORDER:
        found = sorted(groups[severity], key=lambda d: (d.location, d.code))
        if found:
            click.echo(click.style(count(len(found), severity.noun), fg=severity.colour, bold=True))
            print_diagnostics(found)
