"""Every map a shipped workflow has, for the tests that run across all of them."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT

from lifecycle.loader import load

SHIPPED = sorted((ROOT / "workflows").rglob("*.yaml"))
"""The shipped workflows, the examples included."""


def _scopes() -> list[tuple[Path, str, str | None]]:
    """(file, "all" / "phase" / "journey", id) for every map a shipped workflow has."""
    scopes: list[tuple[Path, str, str | None]] = []
    for path in SHIPPED:
        workflow = load(path).workflow
        scopes.append((path, "all", None))
        scopes += [(path, "phase", pid) for pid in workflow.phases]
        scopes += [(path, "journey", jid) for jid in workflow.journeys]
    return scopes


SCOPES = _scopes()
SCOPE_IDS = [f"{p.stem}-{kind}-{key or 'lifecycle'}" for p, kind, key in SCOPES]
