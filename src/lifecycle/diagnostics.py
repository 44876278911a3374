"""Problems found in workflow files, each tied to a place in the file.

The loader and the checks report :class:`Diagnostic` values; every one prints as a
single line ``FILE:LINE:COL: SEVERITY CODE: message`` so editors and terminals can
jump to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["Diagnostic", "LifecycleError", "LoadError", "Location", "Severity"]


class Severity(StrEnum):
    """How serious a problem is."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def noun(self) -> str:
        """What one finding of this severity is called in counts: error, warning, note."""
        return _LOOKS[self][0]

    @property
    def colour(self) -> str:
        """The terminal colour of this severity."""
        return _LOOKS[self][1]

    @property
    def sarif_level(self) -> str:
        """The SARIF 2.1.0 ``level`` of this severity."""
        return _LOOKS[self][2]


# How a severity looks, in one place: (noun, terminal colour, SARIF level).
_LOOKS = {
    Severity.ERROR: ("error", "red", "error"),
    Severity.WARNING: ("warning", "yellow", "warning"),
    Severity.INFO: ("note", "blue", "note"),
}


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file; ``line`` and ``column`` count from 1 (0 when unknown)."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file


@dataclass(frozen=True)
class Diagnostic:
    """One problem at one place: a code, a severity, a message and a fix hint."""

    location: Location
    code: str
    message: str
    severity: Severity = Severity.ERROR
    hint: str | None = None
    element: str | None = field(default=None, compare=False)
    """The id of the workflow element the problem is about, when there is one."""

    def __str__(self) -> str:
        text = f"{self.location}: {self.severity} {self.code}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class LifecycleError(Exception):
    """Base of the errors lifecycle raises for bad input; the CLI prints them
    as one line each and exits 1."""


class LoadError(LifecycleError):
    """A workflow file could not be loaded; ``diagnostics`` says where and why."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=lambda d: d.location)
        super().__init__("\n".join(str(d) for d in self.diagnostics))
