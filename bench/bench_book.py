"""Benchmark the map book: every shipped workflow's book, Letter and A4.

Each run is a fresh interpreter (:func:`bench.measure.run_function`) that loads
the workflow and times ``book_pdf`` alone: wall-clock seconds, this process's
CPU seconds (planning, cutting, placing and writing the pages) and the CPU
seconds of the ``dot`` processes it waited for (every drawing). The second
paper of a workflow is timed in the same process right after the first, as the
studio or a script making both would: it draws only what differs.

Run ``python bench/bench_book.py`` (``--runs N``, default 3; or name workflow
files). Figures are min / median / max, with the load average beside them: on
a shared machine wall-clock time mostly measures the queue for a core.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import ROOT, run_function

PAPERS = ("letter", "a4")


def books(path: str) -> dict[str, float]:
    """Build ``path``'s book on each paper in turn; the figures of each, by paper."""
    from pypdf import PdfReader

    from lifecycle.drawing.book import book_pdf
    from lifecycle.loader import load

    document = load(path)
    figures: dict[str, float] = {}
    for paper in PAPERS:
        began, before = time.perf_counter(), os.times()
        pdf = book_pdf(document, paper)
        after = os.times()
        figures[f"{paper}_seconds"] = time.perf_counter() - began
        figures[f"{paper}_python_cpu"] = after.user + after.system - before.user - before.system
        figures[f"{paper}_dot_cpu"] = (
            after.children_user + after.children_system - before.children_user - before.children_system
        )
        figures[f"{paper}_pages"] = len(PdfReader(io.BytesIO(pdf)).pages)
    return figures


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workflows", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    paths = args.workflows or sorted((ROOT / "workflows").glob("*.yaml"))
    print("| workflow | paper | pages | wall s | Python CPU s | dot CPU s | load |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for path in paths:
        runs = run_function("bench.bench_book:books", str(path), runs=args.runs)
        load = os.getloadavg()[0]
        for paper in PAPERS:
            pages = int(runs.median(f"{paper}_pages"))
            print(
                f"| {path.stem} | {paper} | {pages} | {runs.spread(f'{paper}_seconds', '')} "
                f"| {runs.spread(f'{paper}_python_cpu', '', 2)} | {runs.spread(f'{paper}_dot_cpu', '', 2)} "
                f"| {load:.1f} |"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
