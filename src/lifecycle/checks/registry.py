"""The rule record, the :func:`rule` decorator and the catalogue of every rule.

A rule is one small function that reads the workflow (through :class:`Facts`)
and yields :class:`Finding` values: where, what, about which element. It is
declared where it is written::

    @rule("GAP001", "task-without-owner", Severity.ERROR, hint="name exactly one accountable role")
    def task_without_owner(facts: Facts) -> Iterator[Finding]:
        ...

The function's docstring starts with the rule's one-line summary, and the
code's letters name its family. The registry gives each finding the rule's code, severity and fix
hint, and turns it into a :class:`~lifecycle.diagnostics.Diagnostic` at the
element's line.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from lifecycle.diagnostics import LifecycleError, Severity
from lifecycle.words import did_you_mean

if TYPE_CHECKING:
    from lifecycle.checks.facts import Facts

__all__ = ["Family", "Finding", "Rule", "UnknownRuleError", "all_rules", "resolve", "rule"]


class Family(StrEnum):
    """The rule families, in catalogue order, each with its code prefix."""

    GAPS = "gaps"
    SPOF = "single points of failure"
    GATES = "gates"
    DATA = "data and communication"

    @property
    def prefix(self) -> str:
        """The letters that start the codes of this family's rules (``GAP``)."""
        return _PREFIXES[self]


_PREFIXES = {Family.GAPS: "GAP", Family.SPOF: "SPF", Family.GATES: "GATE", Family.DATA: "DATA"}

_MODULES = (
    "gaps",
    "timing",
    "journeys",
    "governance",
    "spof",
    "escalation",
    "gates",
    "gate_structure",
    "data",
    "meetings",
    "exchanges",
)
"""The modules of :mod:`lifecycle.checks` that declare rules."""


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


_declared: dict[str, Rule] = {}
"""Every rule declared with :func:`rule` so far, by code."""


def rule(code: str, name: str, severity: Severity, *, hint: str) -> Callable[[CheckFunction], CheckFunction]:
    """Declare the decorated function as the check of rule ``code``.

    Parameters
    ----------
    code
        The stable code: the family's prefix and three digits (``GAP001``).
    name
        A short kebab-case name (``task-without-owner``).
    severity
        The default severity of its findings.
    hint
        How to fix what it finds, lower-case, one line; a finding may give its own.

    Returns
    -------
    callable
        A decorator that registers the function and returns it unchanged. The
        function's docstring must start with the rule's one-line summary.

    Raises
    ------
    ValueError
        For a code of no family, a code declared twice, or a function with no docstring.
    """
    letters = code.rstrip("0123456789")
    family = next((f for f in Family if f.prefix == letters), None)
    if family is None or len(code) - len(letters) != 3:
        raise ValueError(f"rule code {code!r} is not a family prefix and three digits")

    def declare(function: CheckFunction) -> CheckFunction:
        summary = inspect.cleandoc(function.__doc__ or "").split("\n\n")[0].replace("\n", " ")
        if not summary:
            raise ValueError(
                f"rule {code}: {function.__name__} needs a docstring whose first line sums it up"
            )
        if code in _declared and _declared[code].check is not function:
            raise ValueError(f"rule code {code} is declared twice")
        _declared[code] = Rule(code, name, family, severity, summary, hint, function)
        return function

    return declare


class UnknownRuleError(LifecycleError):
    """A rule code or prefix named on the command line or in a call matches no rule."""


@functools.cache
def all_rules() -> dict[str, Rule]:
    """Every rule, keyed by code, in catalogue order: by family, then by code."""
    for module in _MODULES:
        importlib.import_module(f"lifecycle.checks.{module}")
    order = list(Family)
    ranked = sorted(_declared.values(), key=lambda r: (order.index(r.family), r.code))
    return {r.code: r for r in ranked}


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
