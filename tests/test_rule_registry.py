"""Rules are declared where they are written, and their pages' headers say
exactly what the registry says."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from lifecycle.checks import all_rules
from lifecycle.checks.facts import Facts
from lifecycle.checks.registry import Family, Finding, rule
from lifecycle.diagnostics import Severity

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"


def _sentence(hint: str) -> str:
    text = hint[:1].upper() + hint[1:]
    return text if text.endswith(".") else text + "."


@pytest.mark.parametrize("code", list(all_rules()))
def test_page_header_matches_the_registry(code: str) -> None:
    declared = all_rules()[code]
    page = (DOCS / f"{code}.md").read_text(encoding="utf-8")
    header = (
        f"# {code} {declared.name}\n\n"
        f"**Family:** {declared.family} · **Default severity:** {declared.severity}\n\n"
        f"{declared.summary}\n"
    )
    assert page.startswith(header), f"docs/rules/{code}.md must start with:\n{header}"
    fix = re.search(r"^## Fix\n\n(.*)$", page, re.M)
    assert fix is not None, f"docs/rules/{code}.md has no '## Fix' section"
    assert fix.group(1) == _sentence(declared.hint)


def test_index_rows_match_the_registry() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    for code, declared in all_rules().items():
        row = f"| [{code}]({code}.md) | {declared.name} | {declared.severity} | {declared.summary} |"
        assert row in index, f"docs/rules/index.md lacks the row {row}"


def test_catalogue_order_is_family_then_code() -> None:
    codes = list(all_rules())
    families = list(Family)
    ranked = sorted(codes, key=lambda c: (families.index(all_rules()[c].family), c))
    assert codes == ranked
    assert codes[0] == "GAP001"


def test_the_docstring_is_the_summary_and_the_prefix_the_family() -> None:
    declared = all_rules()["SPF002"]
    assert declared.family is Family.SPOF
    assert declared.summary == declared.check.__doc__


def test_a_code_of_no_family_is_refused() -> None:
    with pytest.raises(ValueError, match="family prefix and three digits"):
        rule("XYZ001", "nothing", Severity.WARNING, hint="none")
    with pytest.raises(ValueError, match="family prefix and three digits"):
        rule("GAP01", "nothing", Severity.WARNING, hint="none")


def test_a_rule_without_a_docstring_is_refused() -> None:
    def undocumented(facts: Facts) -> Iterator[Finding]:
        yield from ()

    with pytest.raises(ValueError, match="needs a docstring"):
        rule("GAP999", "undocumented", Severity.WARNING, hint="none")(undocumented)


def test_a_code_declared_twice_is_refused() -> None:
    def again(facts: Facts) -> Iterator[Finding]:
        """Another rule under a taken code."""
        yield from ()

    with pytest.raises(ValueError, match="declared twice"):
        rule("GAP001", "again", Severity.WARNING, hint="none")(again)
