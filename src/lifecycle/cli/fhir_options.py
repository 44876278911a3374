"""The options that say how a FHIR Bundle of Tasks becomes events, shared by
``lifecycle conformance`` and ``lifecycle import fhir``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

_F = TypeVar("_F", bound=Callable[..., object])


def fhir_options(command: _F) -> _F:
    """Add ``--fhir-case``, ``--fhir-time`` and ``--fhir-who`` to a command."""
    for option in reversed(
        [
            click.option(
                "--fhir-case",
                type=click.Choice(["id", "identifier"]),
                default="id",
                show_default=True,
                help="FHIR: a case is each Task's logical id, or its first identifier (system|value).",
            ),
            click.option(
                "--fhir-time",
                type=click.Choice(["lastUpdated", "lastModified"]),
                default="lastUpdated",
                show_default=True,
                help="FHIR: when a status changed: meta.lastUpdated or Task.lastModified.",
            ),
            click.option(
                "--fhir-who",
                type=click.Choice(["none", "requester", "owner"]),
                default="none",
                show_default=True,
                help="FHIR: who made a change when no Provenance in the Bundle says: nobody, "
                "Task.requester or Task.owner.",
            ),
        ]
    ):
        command = option(command)
    return command
