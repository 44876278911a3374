"""CPU time of the check rules on generated hub networks, rule by rule.

Measures :func:`lifecycle.checks.run_checks` (every rule, best of three) and
each rule alone once the shared facts are worked out, in CPU seconds
(``time.process_time``), so that figures stay comparable on a shared machine
where wall-clock time is not. Prints the total, the slowest rules and how the
time grows with 10x the tasks.

Run: ``.venv/bin/python bench/bench_rules.py [--scales 10,100,1000]``.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import generate_text

from lifecycle.checks import all_rules, run_checks
from lifecycle.checks.facts import Facts
from lifecycle.loader import loads


def measure(cbos: int) -> tuple[int, float, float, list[tuple[float, str]]]:
    """Tasks, load CPU s, all-rules CPU s (best of 3) and each rule's CPU s."""
    text = generate_text(cbos)
    start = time.process_time()
    document = loads(text, "generated.yaml")
    load = time.process_time() - start
    runs = []
    for _ in range(3):
        start = time.process_time()
        run_checks(document)
        runs.append(time.process_time() - start)
    facts = Facts(document.workflow)
    for rule in all_rules().values():  # work out the shared facts first
        list(rule.run(facts))
    each = []
    for code, rule in all_rules().items():
        start = time.process_time()
        list(rule.run(facts))
        each.append((time.process_time() - start, code))
    return len(document.workflow.tasks()), load, min(runs), sorted(each, reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="10,100,1000", help="numbers of CBOs, comma-separated")
    args = parser.parse_args()
    rows = [(cbos, *measure(cbos)) for cbos in (int(s) for s in args.scales.split(","))]
    print("CBOs | tasks | load CPU s | check CPU s | slowest rules (CPU s, facts worked out)")
    print("--- | --- | --- | --- | ---")
    for cbos, tasks, load, check, each in rows:
        slowest = ", ".join(f"{code} {seconds:.3f}" for seconds, code in each[:4])
        print(f"{cbos} | {tasks:,} | {load:.3f} | {check:.3f} | {slowest}")
    for before, after in itertools.pairwise(rows):
        factor = after[1] / before[1]
        print(
            f"\n{before[0]} to {after[0]} CBOs ({factor:.0f}x the tasks): "
            f"check took {after[3] / before[3]:.1f}x"
        )


if __name__ == "__main__":
    main()
