"""docs/seed-coverage.md stays in step with the model and the rule registry:
every field and rule it names exists, every rule is listed, and at least 60
practices are expressed by a field and checked by a rule."""

from __future__ import annotations

import re

from conftest import ROOT
from pydantic import BaseModel

from lifecycle import model
from lifecycle.checks import all_rules

PAGE = ROOT / "docs" / "seed-coverage.md"
ROW = re.compile(r"^\| (\d+) \| (.+?) \| (.+?) \| (.+?) \| (.+?) \|$", re.M)


def rows() -> list[tuple[str, str, list[str], list[str], str]]:
    found = []
    for number, practice, _source, fields, rule in ROW.findall(PAGE.read_text(encoding="utf-8")):
        names = re.findall(r"`([A-Za-z_.]+)`", fields)
        codes = re.findall(r"\[([A-Z]+\d+)\]\(rules/\1\.md\)", rule)
        found.append((number, practice, names, codes, rule))
    return found


def field_exists(name: str) -> bool:
    owner, _, attribute = name.partition(".")
    cls = getattr(model, owner, None)
    if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
        return False
    if not attribute:
        return True
    fields = cls.model_fields
    return attribute in fields or any(f.alias == attribute for f in fields.values())


def test_the_page_lists_the_practices_in_order():
    numbers = [int(r[0]) for r in rows()]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) >= 74


def test_every_field_named_exists_on_the_model():
    missing = [name for _, _, names, _, _ in rows() for name in names if not field_exists(name)]
    assert missing == []


def test_every_rule_named_exists_and_every_rule_is_named():
    named = {code for _, _, _, codes, _ in rows() for code in codes}
    assert named <= set(all_rules())
    assert set(all_rules()) - named == set()


def test_a_practice_without_a_rule_says_why():
    for number, practice, _, codes, rule in rows():
        if not codes:
            assert rule.startswith("none: ") and len(rule) > len("none: ") + 10, (number, practice)


def test_at_least_60_practices_have_a_field_and_a_rule():
    covered = [r for r in rows() if r[3] and any("." in name for name in r[2])]
    assert len(covered) >= 60
    summary = re.search(
        r"(\d+) of (\d+) practices are expressed by a field and checked by a rule", PAGE.read_text()
    )
    assert summary is not None
    assert (int(summary[1]), int(summary[2])) == (len(covered), len(rows()))
