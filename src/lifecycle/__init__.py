"""lifecycle: workflows, checks, process maps and readiness tracking for health plan
and community care partnerships.

The library is the product; the ``lifecycle`` command only parses and prints. The
names below are the public API (see ``docs/api.md``)::

    from lifecycle import load, check, render, Tracker

    document = load("workflows/payer-cbo-partnership.yaml")
    for finding in check(document):
        print(finding)
    render(document, "pre-launch.svg", phase="pre-launch")

Each name is imported on first use, so ``import lifecycle`` stays cheap for the
command line: tracking does not pay for Graphviz, nor rendering for SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lifecycle.lazy_names import lazy_names

__version__ = "0.1.0"

if TYPE_CHECKING:
    from lifecycle.checks import CheckReport, check, run_checks
    from lifecycle.diagnostics import Diagnostic, LifecycleError, LoadError, Location, Severity
    from lifecycle.drawing.output import render
    from lifecycle.loader import Document, load, loads
    from lifecycle.model import Workflow
    from lifecycle.resilience import Resilience, WhatIf, resilience_score, whatif
    from lifecycle.tracking import Tracker

_HOMES = {
    "CheckReport": "lifecycle.checks",
    "check": "lifecycle.checks",
    "run_checks": "lifecycle.checks",
    "Diagnostic": "lifecycle.diagnostics",
    "LifecycleError": "lifecycle.diagnostics",
    "LoadError": "lifecycle.diagnostics",
    "Location": "lifecycle.diagnostics",
    "Severity": "lifecycle.diagnostics",
    "render": "lifecycle.drawing.output",
    "Document": "lifecycle.loader",
    "load": "lifecycle.loader",
    "loads": "lifecycle.loader",
    "Workflow": "lifecycle.model",
    "Resilience": "lifecycle.resilience",
    "WhatIf": "lifecycle.resilience",
    "resilience_score": "lifecycle.resilience",
    "whatif": "lifecycle.resilience",
    "Tracker": "lifecycle.tracking",
}

__all__ = [
    "CheckReport",
    "Diagnostic",
    "Document",
    "LifecycleError",
    "LoadError",
    "Location",
    "Resilience",
    "Severity",
    "Tracker",
    "WhatIf",
    "Workflow",
    "__version__",
    "check",
    "load",
    "loads",
    "render",
    "resilience_score",
    "run_checks",
    "whatif",
]


__getattr__, __dir__ = lazy_names(__name__, _HOMES, __all__)
