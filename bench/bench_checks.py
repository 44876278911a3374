"""How long ``lifecycle check`` takes on generated hub networks, and how it grows.

Generates workflows with :mod:`bench.generate` at 1x (10 CBOs: 1,000 tasks, 100
CBO roles, 200 CBO people) and 10x (100 CBOs: 10,000 tasks, 1,000 roles, 2,000
people, the issue's target), then times, best of ``--repeat`` runs:

- load: :func:`lifecycle.loader.load` (YAML parse and validation);
- check: every rule through :func:`lifecycle.checks.run_checks`;
- check+locate: the same on a copy with findings in every CBO, so each finding
  pays for its ``FILE:LINE:COL`` (the locator's index is built on first use);
- resilience: :func:`lifecycle.resilience.resilience`;
- cli: the whole ``lifecycle check FILE`` command in a fresh process.

Run: ``.venv/bin/python bench/bench_checks.py [--repeat 3] [--scales 10,100]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml
from bench.generate import generate

from lifecycle.checks import run_checks
from lifecycle.loader import load
from lifecycle.resilience import resilience_score


def best(repeat: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def with_findings(cbos: int) -> dict[str, object]:
    """The generated workflow with a handoff lacking its channel and a task
    without responsible role in every CBO: two findings per CBO to locate."""
    data = generate(cbos)
    handoffs = data["handoffs"]
    phases = data["phases"]
    assert isinstance(handoffs, dict) and isinstance(phases, dict)
    for index in range(cbos):
        handoffs[f"cbo-{index}-h0"].pop("channel")
        phases[f"cbo-{index}-onboarding"]["tasks"][f"cbo-{index}-t7"].pop("responsible")
    return data


def write(folder: str, name: str, data: dict[str, object]) -> str:
    path = os.path.join(folder, name)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    with open(path, "w", encoding="utf-8") as handle:
        yaml.dump(data, handle, Dumper=dumper, sort_keys=False, width=120)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scales", default="10,100", help="numbers of CBOs, comma-separated")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    cli = str(Path(sys.executable).with_name("lifecycle"))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for cbos in scales:
            clean = write(folder, f"clean-{cbos}.yaml", generate(cbos))
            dirty = write(folder, f"dirty-{cbos}.yaml", with_findings(cbos))
            document = load(clean)
            workflow = document.workflow
            size = (len(workflow.tasks()), len(workflow.roles), len(workflow.people))
            findings = len(run_checks(load(dirty)).findings)
            rows.append(
                (
                    cbos,
                    *size,
                    os.path.getsize(clean) / 1e6,
                    best(args.repeat, lambda p=clean: load(p)),  # type: ignore[misc]
                    best(args.repeat, lambda d=document: run_checks(d)),  # type: ignore[misc]
                    findings,
                    best(args.repeat, lambda p=dirty: run_checks(load(p))),  # type: ignore[misc]
                    best(args.repeat, lambda w=workflow: resilience_score(w)),  # type: ignore[misc]
                    best(
                        args.repeat,
                        lambda p=clean: subprocess.run([cli, "check", p], check=True, capture_output=True),  # type: ignore[misc]
                    ),
                    best(
                        args.repeat,
                        lambda p=dirty: subprocess.run(
                            [cli, "check", p, "--fail-on", "never"], check=True, capture_output=True
                        ),  # type: ignore[misc]
                    ),
                )
            )
    head = (
        "CBOs",
        "tasks",
        "roles",
        "people",
        "MB",
        "load s",
        "check s",
        "findings",
        "load+check+locate s",
        "resilience s",
        "cli clean s",
        "cli findings s",
    )
    print(" | ".join(head))
    print(" | ".join("---" for _ in head))
    for row in rows:
        cells = [f"{v:.3f}" if isinstance(v, float) else str(v) for v in row]
        print(" | ".join(cells))
    if len(rows) >= 2:
        first, last = rows[0], rows[-1]
        factor = last[1] / first[1]
        print(
            f"\n{factor:.0f}x the tasks: check took {last[6] / first[6]:.1f}x, "
            f"the whole command {last[10] / first[10]:.1f}x (clean) "
            f"and {last[11] / first[11]:.1f}x (with findings)"
        )


if __name__ == "__main__":
    main()
