"""The rule record and the catalogue of every rule, by code.

A rule is one small function that reads the workflow (through :class:`Facts`)
and yields :class:`Finding` values: where, what, about which element. The
registry gives each finding the rule's code, severity and fix hint, and turns
it into a :class:`~lifecycle.diagnostics.Diagnostic` at the element's line.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from lifecycle.diagnostics import LifecycleError, Severity
from lifecycle.words import did_you_mean

if TYPE_CHECKING:
    from lifecycle.checks.facts import Facts

__all__ = ["Family", "Finding", "Rule", "UnknownRuleError", "all_rules", "resolve"]


class Family(StrEnum):
    """The rule families, each with its code prefix."""

    GAPS = "gaps"
    SPOF = "single points of failure"
    GATES = "gates"
    DATA = "data and communication"


@dataclass(frozen=True)
class Finding:
    """One problem a rule found: the path of the element in the file, a message
    naming it, and the element's id."""

    path: tuple[Any, ...]
    message: str
    element: str | None = None
    hint: str | None = None
    """A hint for this finding; the rule's own hint when left out."""


CheckFunction = Callable[["Facts"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A coded check: stable code, short name, family, default severity,
    one-line summary, fix hint and the function that finds the problems."""

    code: str
    name: str
    family: Family
    severity: Severity
    summary: str
    hint: str
    check: CheckFunction

    def run(self, facts: Facts) -> Iterator[Finding]:
        """The findings of this rule on one workflow."""
        yield from self.check(facts)


class UnknownRuleError(LifecycleError):
    """A rule code or prefix named on the command line or in a call matches no rule."""


@functools.cache
def all_rules() -> dict[str, Rule]:
    """Every rule, keyed by code, in catalogue order."""
    from lifecycle.checks import (
        data,
        escalation,
        exchanges,
        gaps,
        gate_structure,
        gates,
        governance,
        journeys,
        meetings,
        spof,
        timing,
    )

    modules = (
        gaps,
        timing,
        journeys,
        governance,
        spof,
        escalation,
        gates,
        gate_structure,
        data,
        meetings,
        exchanges,
    )
    table: dict[str, Rule] = {}
    for module in modules:
        for rule in module.RULES:
            if rule.code in table:
                raise AssertionError(f"rule code {rule.code} is registered twice")
            table[rule.code] = rule
    families = list(Family)
    return dict(sorted(table.items(), key=lambda item: (families.index(item[1].family), _number(item[0]))))


def _number(code: str) -> int:
    return int(code.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


def resolve(codes: Iterable[str]) -> set[str]:
    """The rule codes named by ``codes``: full codes (``GAP001``), family
    prefixes (``GAP``) or rule names (``task-without-owner``).

    Raises
    ------
    UnknownRuleError
        For a code that matches no rule, with a did-you-mean.
    """
    table = all_rules()
    chosen: set[str] = set()
    for raw in codes:
        code = raw.strip()
        if not code:
            continue
        by_name = [c for c, r in table.items() if r.name == code]
        upper = code.upper()
        # Letters alone name a family (GAP); anything else must be a whole code,
        # so a typo like GAP01 is not read as GAP010 and GAP011.
        family = upper.isalpha() and [c for c in table if c.rstrip("0123456789") == upper]
        matched = by_name or family or [c for c in table if c == upper]
        if not matched:
            hint = did_you_mean(upper, table)
            hint = f" ({hint})" if hint else " (see `lifecycle rules`)"
            raise UnknownRuleError(f"unknown rule {code!r}{hint}")
        chosen.update(matched)
    return chosen
