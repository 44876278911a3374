"""The book benchmark measures real books: the pages it counts are the book's,
and the second paper of a workflow draws only what differs (no timings asserted)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from pypdf import PdfReader

from lifecycle.drawing.book import book_pdf
from lifecycle.loader import load

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_book import PAPERS  # noqa: E402
from bench.measure import run_function  # noqa: E402


def test_the_figures_are_the_books() -> None:
    path = ROOT / "workflows" / "fhir-referral-task.yaml"
    # In a fresh interpreter, as the benchmark runs it: this one may have drawn the book already.
    [figures] = run_function("bench.bench_book:books", str(path), runs=1).records
    for paper in PAPERS:
        assert figures[f"{paper}_pages"] == len(PdfReader(io.BytesIO(book_pdf(load(path), paper))).pages)
    # Every drawing of the A4 book but the page headings was drawn for the Letter one: the
    # A4 book's headings take one `dot` process, the Letter book drew its maps one by one.
    assert figures["a4_dot_runs"] >= 1
    assert figures["letter_dot_runs"] > 2 * figures["a4_dot_runs"]
