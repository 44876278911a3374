"""Printing shared by the commands: diagnostics as one coloured line each."""

from __future__ import annotations

from collections.abc import Iterable

import click

from lifecycle.diagnostics import Diagnostic, Severity

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def print_diagnostics(diagnostics: Iterable[Diagnostic], *, err: bool = False) -> None:
    """Print each diagnostic as ``FILE:LINE:COL: severity CODE: message (hint)``.

    Colour is added on a terminal; click strips it in a pipe.
    """
    for d in diagnostics:
        head = click.style(f"{d.severity} {d.code}", fg=_COLOURS[d.severity], bold=True)
        hint = click.style(f" ({d.hint})", dim=True) if d.hint else ""
        click.echo(f"{click.style(str(d.location), bold=True)}: {head}: {d.message}{hint}", err=err)
