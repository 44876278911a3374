"""Benchmark the map book: every shipped workflow's book, Letter and A4.

Each run is a fresh interpreter (:func:`bench.measure.run_function`) that loads
the workflow and times ``book_pdf`` alone: wall-clock seconds, this process's
CPU seconds (planning, cutting, placing and writing the pages), how many ``dot``
processes it started and the CPU seconds they took (every drawing). The second
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
    started = _count_dot_runs()
    for paper in PAPERS:
        began, before, runs_before = time.perf_counter(), os.times(), started[0]
        pdf = book_pdf(document, paper)
        after = os.times()
        figures[f"{paper}_dot_runs"] = started[0] - runs_before
        figures[f"{paper}_seconds"] = time.perf_counter() - began
        figures[f"{paper}_python_cpu"] = after.user + after.system - before.user - before.system
        figures[f"{paper}_dot_cpu"] = (
            after.children_user + after.children_system - before.children_user - before.children_system
        )
        figures[f"{paper}_pages"] = len(PdfReader(io.BytesIO(pdf)).pages)
    return figures


def _count_dot_runs() -> list[int]:
    """A one-item list holding how many ``dot`` processes this process has
    started from now on (an audit hook: it sees every ``subprocess`` start)."""
    started = [0]

    def hook(event: str, args: tuple[object, ...]) -> None:
        if event != "subprocess.Popen":
            return
        program, command = args[0], args[1]
        if program is None and isinstance(command, list | tuple) and command:
            program = command[0]
        if isinstance(program, str | bytes | os.PathLike) and Path(os.fsdecode(program)).name == "dot":
            started[0] += 1

    sys.addaudithook(hook)
    return started


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workflows", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    paths = args.workflows or sorted((ROOT / "workflows").glob("*.yaml"))
    print("| workflow | paper | pages | wall s | Python CPU s | dot runs | dot CPU s | load |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for path in paths:
        runs = run_function("bench.bench_book:books", str(path), runs=args.runs)
        load = os.getloadavg()[0]
        for paper in PAPERS:
            pages = int(runs.median(f"{paper}_pages"))
            print(
                f"| {path.stem} | {paper} | {pages} | {runs.spread(f'{paper}_seconds', '')} "
                f"| {runs.spread(f'{paper}_python_cpu', '', 2)} | {int(runs.median(f'{paper}_dot_runs'))} "
                f"| {runs.spread(f'{paper}_dot_cpu', '', 2)} "
                f"| {load:.1f} |"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
