"""Check results as JSON: one object with every finding and every suppression."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from lifecycle.checks import CheckReport
from lifecycle.checks.registry import all_rules
from lifecycle.diagnostics import Diagnostic

__all__ = ["diagnostic_dict", "to_json"]


def diagnostic_dict(d: Diagnostic) -> dict[str, Any]:
    """A diagnostic as a plain mapping (file, line, column, severity, code, ...)."""
    rule = all_rules().get(d.code)
    return {
        "file": d.location.file,
        "line": d.location.line,
        "column": d.location.column,
        "severity": str(d.severity),
        "code": d.code,
        "rule": rule.name if rule is not None else None,
        "message": d.message,
        "hint": d.hint,
        "element": d.element,
    }


def to_json(reports: Iterable[CheckReport], invalid: Iterable[Diagnostic] = ()) -> str:
    """The findings of ``reports`` and the load errors of files that could not
    be checked, as indented JSON text."""
    reports = list(reports)
    errors = [diagnostic_dict(d) for d in invalid]
    findings = [diagnostic_dict(d) for report in reports for d in report.findings]
    suppressions: list[dict[str, Any]] = [
        {
            "file": report.document.path,
            "rule": applied.suppression.rule,
            "element": applied.suppression.element,
            "reason": applied.suppression.reason,
            "suppressed": [diagnostic_dict(d) for d in applied.findings],
        }
        for report in reports
        for applied in report.suppressions
    ]
    counts = {
        severity: sum(1 for f in findings + errors if f["severity"] == severity)
        for severity in ("error", "warning", "info")
    }
    silenced = sum(len(s["suppressed"]) for s in suppressions)
    document = {
        "files": [report.document.path for report in reports],
        "findings": errors + findings,
        "suppressions": suppressions,
        "summary": {**counts, "suppressed": silenced},
    }
    return json.dumps(document, indent=2, ensure_ascii=False)
