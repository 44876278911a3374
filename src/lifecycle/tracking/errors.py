"""The errors of the tracking service, each printed as one line by the CLI."""

from __future__ import annotations

from collections.abc import Iterable

from lifecycle.diagnostics import LifecycleError
from lifecycle.machine import TransitionRefused
from lifecycle.words import did_you_mean

__all__ = ["SignoffRefused", "TrackingError", "UnknownName", "WorkflowChanged"]


class TrackingError(LifecycleError):
    """A tracking request that cannot be carried out; nothing was changed."""


class UnknownName(TrackingError):
    """An unknown partnership, task, person, gate, journey or escalation path."""

    def __init__(self, kind: str, name: str, known: Iterable[str], where: str = "") -> None:
        known = list(known)
        hint = did_you_mean(name, known)
        if hint is None and known and len(known) <= 8:
            hint = "known: " + ", ".join(known)
        text = f"unknown {kind} {name!r}{where}"
        super().__init__(f"{text} ({hint})" if hint else text)


class WorkflowChanged(TrackingError):
    """The workflow file changed since the partnership started; rebase first."""


class SignoffRefused(TransitionRefused):
    """A person tried to sign for a gate without holding a signing role."""
