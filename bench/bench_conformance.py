"""Conformance replay of a generated event log: events per second and peak memory.

    .venv/bin/python bench/bench_conformance.py [--events 1000000] [--runs 3]

The log (:mod:`bench.generate_log`) is the member journey of the shipped
payer-CBO workflow, about 4.7 events per case, a tenth of the cases with one
injected deviation each. Each run replays the CSV file in a fresh process
(:func:`bench.measure.run_function`): wall-clock and CPU seconds of the replay
(the workflow already loaded), events per second, and the process's peak
resident memory, imports included. Every run must find exactly the injected
deviations, or the benchmark fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate_log import generate
from bench.measure import ROOT, Runs, run_function

SHIPPED = ROOT / "workflows" / "payer-cbo-partnership.yaml"


def replay_file(path: str, as_of: str) -> dict[str, float]:
    """Replay ``path`` against the member journey (run in a child process)."""
    from lifecycle.interchange.conformance import replay
    from lifecycle.interchange.event_log import EventLogReader
    from lifecycle.loader import load

    workflow = load(SHIPPED).workflow
    wall, cpu = time.perf_counter(), time.process_time()
    result = replay(workflow, "member", EventLogReader(path), as_of=dt.datetime.fromisoformat(as_of))
    counts = result.deviation_counts()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "seconds": wall,
        "cpu_seconds": cpu,
        "events": result.events,
        "cases": result.cases,
        "events_per_s": result.events / wall,
        **{f"found:{kind}": n for kind, n in counts.items()},
    }


def measure(events: int, runs: int, folder: Path) -> tuple[Runs, dict[str, int], int, float]:
    """Generate a log of ``events`` events and replay it ``runs`` times.

    Returns the runs, the injected counts, the number of events, and the file size in MB.
    """
    log = generate(events, seed=1)
    path = folder / f"events-{events}.csv"
    log.write_csv(path)
    result = run_function("bench.bench_conformance:replay_file", str(path), log.as_of.isoformat(), runs=runs)
    for record in result.records:
        found = {kind: int(record[f"found:{kind}"]) for kind in log.injected}
        if found != log.injected:
            raise SystemExit(f"replay found {found}, the log has {log.injected} injected")
    return result, log.injected, len(log.events), path.stat().st_size / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        result, injected, events, size = measure(args.events, args.runs, Path(name))
    print(json.dumps({"events": events, "file_mb": round(size, 1), "injected": injected}))
    print(f"seconds       {result.spread('seconds')}")
    print(f"cpu seconds   {result.spread('cpu_seconds')}")
    print(f"events/s      {result.spread('events_per_s', '', 0)}")
    print(f"peak memory   {result.spread('peak_mb', 'MB', 0)}")


if __name__ == "__main__":
    main()
