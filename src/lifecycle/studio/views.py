"""The studio's answers as plain data (the page turns them into text): a
workflow's findings, RACI matrix, resilience and what-if.

Everything here is data, never markup: the page inserts it as text, so a
title that holds ``<script>`` shows as those characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lifecycle.diagnostics import Diagnostic, Severity
from lifecycle.drawing.raci import raci_matrix
from lifecycle.model import Workflow
from lifecycle.resilience import Resilience, WhatIf
from lifecycle.studio.state import Snapshot

__all__ = [
    "MAP_ID_PREFIXES",
    "finding_view",
    "map_targets",
    "resilience_view",
    "snapshot_view",
    "whatif_view",
]

MAP_ID_PREFIXES = ("task", "step", "exit", "lanehead", "handoff", "gate", "org")
"""The prefixes of the SVG ids the maps give their elements (``task-<id>`` ...)."""

_TOP_LOSSES = 5


def map_targets(workflow: Workflow | None, element: str | None) -> list[str]:
    """The SVG ids that may stand for ``element`` on a map, most specific first.

    A person stands for the lane headers of the roles they hold; the page
    highlights those of the ids that the current map has.
    """
    if not element:
        return []
    ids = [f"{prefix}-{element}" for prefix in MAP_ID_PREFIXES]
    if workflow is not None and element in workflow.people:
        ids += [f"lanehead-{rid}" for rid, role in workflow.roles.items() if element in role.held_by]
    return ids


def finding_view(d: Diagnostic, workflow: Workflow | None) -> dict[str, Any]:
    """One finding or load error: where, what, how to fix, and its map ids."""
    return {
        "file": d.location.file,
        "line": d.location.line,
        "column": d.location.column,
        "where": str(d.location),
        "severity": str(d.severity),
        "code": d.code,
        "message": d.message,
        "hint": d.hint,
        "element": d.element,
        "targets": map_targets(workflow, d.element),
    }


def _grouped(findings: Iterable[Diagnostic], workflow: Workflow | None) -> list[dict[str, Any]]:
    findings = list(findings)
    return [
        {
            "severity": str(severity),
            "noun": severity.noun,
            "findings": [finding_view(d, workflow) for d in findings if d.severity is severity],
        }
        for severity in Severity
    ]


def resilience_view(resilience: Resilience, workflow: Workflow) -> dict[str, Any]:
    """The overall and per-organization scores and the departures that hurt most."""

    def person(pid: str | None) -> str | None:
        if pid is None:
            return None
        known = workflow.people.get(pid)
        return f"{known.name} ({pid})" if known else pid

    return {
        "score": resilience.overall.score,
        "work": resilience.overall.work,
        "worst": person(resilience.overall.worst),
        "organizations": [
            {"id": oid, "name": workflow.organizations[oid].name, "score": s.score, "worst": person(s.worst)}
            for oid, s in resilience.organizations.items()
            if oid in workflow.organizations
        ],
        "losses": [
            {
                "person": loss.person,
                "name": person(loss.person),
                "lost": loss.lost,
                "examples": list(loss.examples),
            }
            for loss in resilience.losses[:_TOP_LOSSES]
        ],
    }


def _raci(workflow: Workflow) -> dict[str, Any]:
    matrix = raci_matrix(workflow)
    return {
        "title": matrix.title,
        "roles": [{"id": lane.key, "title": lane.title} for lane in matrix.roles],
        "rows": [
            {"phase": r.phase, "task": r.task, "title": r.title, "cells": list(r.cells)} for r in matrix.rows
        ],
    }


def snapshot_view(snapshot: Snapshot) -> dict[str, Any]:
    """Everything the page shows about one file, besides its maps."""
    document = snapshot.document
    errors = [finding_view(d, None) for d in snapshot.errors]
    view: dict[str, Any] = {
        "file": snapshot.name,
        "version": snapshot.version,
        "good_version": snapshot.good_version,
        "errors": errors,
        "loaded": document is not None,
    }
    if document is None or snapshot.report is None or snapshot.resilience is None:
        return view
    workflow = document.workflow
    view.update(
        title=workflow.title,
        phases=[{"id": pid, "title": p.title} for pid, p in workflow.phases.items()],
        journeys=[{"id": jid, "title": j.title} for jid, j in workflow.journeys.items()],
        people=[
            {"id": pid, "name": p.name, "org": p.org, "official": p.official}
            for pid, p in workflow.people.items()
        ],
        roles=[{"id": rid, "title": r.title, "org": r.org} for rid, r in workflow.roles.items()],
        findings=_grouped(snapshot.report.findings, workflow),
        suppressed=snapshot.report.suppressed,
        resilience=resilience_view(snapshot.resilience, workflow),
        raci=_raci(workflow),
    )
    return view


def whatif_view(result: WhatIf, workflow: Workflow) -> dict[str, Any]:
    """What taking people or roles out adds and resolves, and the score before and after."""
    return {
        "removed": [f"{kind}:{ident}" for kind, ident in result.removed],
        "added": _grouped(result.new, workflow),
        "added_count": len(result.new),
        "resolved": [finding_view(d, workflow) for d in result.resolved],
        "before": resilience_view(result.before, workflow),
        "after": resilience_view(result.after, workflow),
    }
