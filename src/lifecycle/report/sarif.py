"""Check results as SARIF 2.1.0, the format code-scanning tools and editors read.

Findings a workflow accepts with ``ignore:`` are kept as results carrying an
``inSource`` suppression with the file's reason, so a viewer can show them
greyed out rather than lose them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from lifecycle import __version__
from lifecycle.checks import CheckReport
from lifecycle.checks.registry import all_rules
from lifecycle.diagnostics import Diagnostic

__all__ = ["SARIF_SCHEMA", "to_sarif"]

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def _rules() -> list[dict[str, Any]]:
    return [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "help": {"text": rule.hint},
            "defaultConfiguration": {"level": rule.severity.sarif_level},
            "properties": {"family": str(rule.family), "docs": f"docs/rules/{rule.code}.md"},
        }
        for rule in all_rules().values()
    ]


def _result(d: Diagnostic, index: dict[str, int], reason: str | None = None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": d.location.file}}
    if d.location.line:
        physical["region"] = {"startLine": d.location.line, "startColumn": max(d.location.column, 1)}
    text = f"{d.message} ({d.hint})" if d.hint else d.message
    result: dict[str, Any] = {
        "ruleId": d.code,
        "level": d.severity.sarif_level,
        "message": {"text": text},
        "locations": [{"physicalLocation": physical}],
    }
    if d.code in index:
        result["ruleIndex"] = index[d.code]
    if reason is not None:
        result["suppressions"] = [{"kind": "inSource", "justification": reason}]
    return result


def to_sarif(reports: Iterable[CheckReport], invalid: Iterable[Diagnostic] = ()) -> str:
    """One SARIF run holding the findings of ``reports``, their suppressed
    findings, and the load errors of files that could not be checked."""
    rules = _rules()
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = [_result(d, index) for d in invalid]
    for report in reports:
        results.extend(_result(d, index) for d in report.findings)
        for applied in report.suppressions:
            results.extend(_result(d, index, applied.suppression.reason) for d in applied.findings)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "lifecycle",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)
