"""Check a loaded workflow for gaps, single points of failure, gate problems
and data and communication gaps.

>>> from lifecycle.loader import load
>>> from lifecycle.checks import check
>>> for finding in check(load("workflows/examples/go-to-escalation.yaml")):
...     print(finding.location.line, finding.severity.value, finding.code, finding.element)
36 warning SPF001 plan-poc
37 warning SPF001 plan-sponsor
62 error SPF002 stuck-authorization
86 error SPF002 prior-authorization
86 warning SPF004 prior-authorization

Each rule lives in the module of its family (:mod:`~lifecycle.checks.gaps`,
:mod:`~lifecycle.checks.spof`, :mod:`~lifecycle.checks.gates`,
:mod:`~lifecycle.checks.data`) and is listed in the catalogue
(:func:`~lifecycle.checks.registry.all_rules`). A workflow accepts findings on
purpose with ``ignore:`` entries, each with a reason; :func:`run_checks` says
which were applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lifecycle.checks.facts import Facts, Settings
from lifecycle.checks.registry import Finding, Rule, UnknownRuleError, all_rules, resolve
from lifecycle.collector import collector_paused
from lifecycle.diagnostics import Diagnostic
from lifecycle.loader import Document
from lifecycle.model import Suppression

__all__ = [
    "AppliedSuppression",
    "CheckReport",
    "Rule",
    "Settings",
    "UnknownRuleError",
    "all_rules",
    "check",
    "run_checks",
    "selected_rules",
]


@dataclass
class AppliedSuppression:
    """An ``ignore:`` entry of the workflow and the findings it silenced."""

    index: int
    """Its position in the workflow's ``ignore:`` list."""

    suppression: Suppression
    findings: list[Diagnostic] = field(default_factory=list)
    """The findings it silenced (empty: it matched nothing)."""

    @property
    def count(self) -> int:
        """How many findings it silenced."""
        return len(self.findings)


@dataclass
class CheckReport:
    """The result of checking one document."""

    document: Document
    findings: list[Diagnostic]
    """The findings left after suppressions, in file order."""

    suppressions: list[AppliedSuppression]
    """Every ``ignore:`` entry with what it silenced."""

    @property
    def suppressed(self) -> int:
        """How many findings the workflow's suppressions silenced."""
        return sum(s.count for s in self.suppressions)


def selected_rules(select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> list[Rule]:
    """The rules to run: those ``select`` names (all when None) less those
    ``ignore`` names. Codes, family prefixes (``SPF``) and rule names work.

    Raises
    ------
    UnknownRuleError
        For a code that names no rule.
    """
    table = all_rules()
    chosen = resolve(select) if select is not None else set(table)
    chosen -= resolve(ignore or ())
    return [rule for code, rule in table.items() if code in chosen]


def run_checks(
    document: Document,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    settings: Settings | None = None,
) -> CheckReport:
    """Run the selected rules on ``document`` and apply its suppressions.

    Parameters
    ----------
    document
        A loaded workflow (:func:`lifecycle.loader.load`).
    select, ignore
        Rule codes, family prefixes or rule names to run or to leave out.
    settings
        Thresholds (e.g. ``Settings(max_seats=3)``).

    Returns
    -------
    CheckReport
        The findings at their lines, and what each suppression silenced.
    """
    with collector_paused():
        return _run(document, selected_rules(select, ignore), settings)


def _run(document: Document, rules: list[Rule], settings: Settings | None) -> CheckReport:
    facts = Facts(document.workflow, settings)
    applied = [AppliedSuppression(i, s) for i, s in enumerate(document.workflow.ignore)]
    by_code: dict[str, list[AppliedSuppression]] = {}
    for entry in applied:
        by_code.setdefault(entry.suppression.rule, []).append(entry)
    findings: list[Diagnostic] = []
    for rule in rules:
        candidates = by_code.get(rule.code, [])
        for finding in rule.run(facts):
            match = next(
                (
                    s
                    for s in candidates
                    if s.suppression.element is None or s.suppression.element == finding.element
                ),
                None,
            )
            if match is not None:
                match.findings.append(_diagnostic(document, rule, finding))
            else:
                findings.append(_diagnostic(document, rule, finding))
    findings.sort(key=lambda d: (d.location, d.code))
    return CheckReport(document, findings, applied)


def check(
    document: Document,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    settings: Settings | None = None,
) -> list[Diagnostic]:
    """The findings of the selected rules on ``document``, less those its
    ``ignore:`` entries accept; see :func:`run_checks`."""
    return run_checks(document, select, ignore, settings).findings


def _diagnostic(document: Document, rule: Rule, finding: Finding) -> Diagnostic:
    return Diagnostic(
        document.locate(finding.path, key=True),
        rule.code,
        finding.message,
        severity=rule.severity,
        hint=finding.hint or rule.hint,
        element=finding.element,
    )
