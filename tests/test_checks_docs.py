"""Every rule has a docs page whose failing snippet makes it fire and whose
passing snippet does not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lifecycle.checks import all_rules, check
from lifecycle.loader import loads

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"
SNIPPET = re.compile(r"<!-- (fail|pass) -->\n```yaml\n(.*?)```", re.S)


def snippets(code: str) -> dict[str, str]:
    text = (DOCS / f"{code}.md").read_text(encoding="utf-8")
    found = {kind: body for kind, body in SNIPPET.findall(text)}
    assert set(found) == {"fail", "pass"}, f"{code}.md needs one fail and one pass snippet"
    return found


def test_every_rule_has_a_page_and_an_index_line():
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    for code in all_rules():
        assert (DOCS / f"{code}.md").is_file(), f"docs/rules/{code}.md is missing"
        assert f"[{code}]({code}.md)" in index


def test_no_page_for_a_rule_that_does_not_exist():
    pages = {p.stem for p in DOCS.glob("*.md")} - {"index"}
    assert pages == set(all_rules())


@pytest.mark.parametrize("code", list(all_rules()))
def test_failing_snippet_fires_and_passing_snippet_does_not(code):
    examples = snippets(code)
    failing = check(loads(examples["fail"], f"{code}-fail.yaml"), select=[code])
    assert failing, f"{code} did not fire on its failing example"
    assert all(d.code == code for d in failing)
    assert failing[0].location.line > 0
    passing = check(loads(examples["pass"], f"{code}-pass.yaml"), select=[code])
    assert passing == [], f"{code} fired on its passing example: {passing}"
