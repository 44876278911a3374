"""Every quotation on a rule page is the source documents' text, word for word.

A quotation is text in double quotes, or a blockquote (``> ``), outside code.
``...`` marks words left out: the pieces must appear in the documents in order.
Quotation marks inside a quotation may be written as single quotes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs" / "rules").glob("*.md"))
SEEDS = sorted((ROOT / "docs" / "seeds").glob("*.txt"))

_QUOTE_MARKS = str.maketrans({"\u201c": "'", "\u201d": "'", "\u2018": "'", "\u2019": "'", '"': "'"})


def normal(text: str) -> str:
    """Text with one kind of quotation mark and single spaces."""
    return re.sub(r"\s+", " ", text.translate(_QUOTE_MARKS)).strip()


SOURCE = normal("\n".join(p.read_text(encoding="utf-8") for p in SEEDS))


def quotations(page: str) -> list[str]:
    """The quotations of a rule page: double-quoted text and blockquote lines."""
    prose = re.sub(r"```.*?```", "", page, flags=re.S)
    prose = re.sub(r"`[^`\n]*`", "", prose)
    found = [line[1:].strip() for line in prose.splitlines() if line.startswith(">")]
    found = [line for line in found if line]
    prose = "\n".join(line for line in prose.splitlines() if not line.startswith(">"))
    found += re.findall(r'"([^"]+)"', prose)
    return found


def in_source(quotation: str) -> bool:
    position = 0
    for piece in (normal(p) for p in re.split(r"\.\.\.|\u2026", quotation)):
        piece = piece.strip(" ,;")
        if not piece:
            continue
        position = SOURCE.find(piece, position)
        if position < 0:
            return False
        position += len(piece)
    return True


def test_the_source_documents_are_shipped() -> None:
    assert len(SEEDS) == 2 and all(p.stat().st_size > 10_000 for p in SEEDS)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_every_quotation_is_in_the_source(page: Path) -> None:
    wrong = [q for q in quotations(page.read_text(encoding="utf-8")) if not in_source(q)]
    assert wrong == [], f"{page.name} quotes text that is not in docs/seeds/: {wrong}"


def test_a_misquotation_is_caught() -> None:
    assert in_source("Any new partnership requires certain onboarding activities before services can begin.")
    assert in_source("safeguards should be implemented to account for staff turnover")
    assert in_source("Escalation pathways ... safeguards should be implemented")
    assert not in_source("is every criterion met, with evidence")
    assert not in_source("safeguards should be implemented ... Escalation pathways should be formalized")
    assert not in_source("Credentialing of CBO staff; CBO/health plan staff trainings")


def test_blockquotes_are_quotations() -> None:
    page = 'Why:\n\n> Credentialing of CBO staff\n> - invented words\n\n`"code"` and "staff trainings"\n'
    assert quotations(page) == ["Credentialing of CBO staff", "- invented words", "staff trainings"]


def test_rules_that_go_beyond_the_text_say_so() -> None:
    for code in ("GAP010", "GATE003", "SPF006"):
        page = (ROOT / "docs" / "rules" / f"{code}.md").read_text(encoding="utf-8")
        assert "beyond the text" in page, code
