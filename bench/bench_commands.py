"""Wall time of each tracking command, as a facilitator runs it in a meeting.

    .venv/bin/python bench/bench_commands.py [--runs 15] [--no-cache]

Builds the demo database (``scripts/demo-tracking`` on the shipped
``workflows/payer-cbo-partnership.yaml``: a partnership at pre-launch) plus a
second partnership started at implementation, past its launch gate, with one
member referred. Each command then runs ``--runs`` times as a real subprocess
(``.venv/bin/lifecycle``, interpreter start-up and imports included); a write
runs on a fresh copy of the database each time, so every run does the same
work. Reports the median and the 90th percentile of the wall time, the median
CPU time (user + system, which a busy machine disturbs less) and the load
average before and after, since 2 cores are shared here.

The parsed-workflow cache and Python's bytecode cache are warmed first, as
they are after a meeting's first command; ``--no-cache`` measures with it off (``LIFECYCLE_CACHE=off``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIFECYCLE = str(ROOT / ".venv" / "bin" / "lifecycle")
WORKFLOW = str(ROOT / "workflows" / "payer-cbo-partnership.yaml")
DEMO = "riverside-eastside"
LAUNCHED = "launched"
TASK, TASK_OWNER = "annual-security-review", "gkim"
"""An implementation task its owner may start and finish without evidence."""

READS: list[tuple[str, list[str]]] = [
    ("status", ["status", DEMO]),
    ("gate check", ["gate", "check", DEMO, "pre-launch"]),
    ("log", ["log", DEMO]),
    ("partnership list", ["partnership", "list"]),
    ("escalate list", ["escalate", "list", DEMO]),
]
WRITES: list[tuple[str, str, list[str]]] = [
    ("task start", "base", ["task", "start", LAUNCHED, TASK, "--as", TASK_OWNER]),
    ("task done", "started", ["task", "done", LAUNCHED, TASK, "--as", TASK_OWNER]),
    ("journey move", "base", ["journey", "move", LAUNCHED, "member", "M-1", "cbo-receives", "--as", "kpark"]),
]


@dataclass(frozen=True)
class Timing:
    """One command's runs."""

    name: str
    wall: list[float]
    cpu: list[float]

    def row(self) -> str:
        wall = sorted(self.wall)
        p90 = wall[min(len(wall) - 1, round(0.9 * (len(wall) - 1)))]
        return (
            f"| `{self.name}` | {statistics.median(wall):.3f} s | {p90:.3f} s | "
            f"{statistics.median(self.cpu):.3f} s |"
        )


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``lifecycle ARGS``; its wall and CPU seconds. Exit 0 or 1 (an unmet gate) only."""
    began = time.perf_counter()
    process = subprocess.Popen([LIFECYCLE, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - began
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        assert process.stderr is not None
        raise RuntimeError(f"lifecycle {' '.join(args)} exited {code}: {process.stderr.read().decode()}")
    return wall, usage.ru_utime + usage.ru_stime


def _copy(source: Path, target: Path) -> None:
    # SQLite's backup API: a consistent copy whatever the write-ahead log holds.
    target.unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _prepare(folder: Path, env: dict[str, str]) -> tuple[Path, Path]:
    """The demo database with the launched partnership (``base``), and a copy in
    which the bench task is started (``started``)."""
    base = folder / "base.db"
    subprocess.run(
        [str(ROOT / "scripts" / "demo-tracking"), WORKFLOW, str(base)],
        env=env,
        check=True,
        capture_output=True,
    )
    url = ["--db", f"sqlite:///{base}"]
    for args in (
        [
            *("partnership", "start", LAUNCHED, "--workflow", WORKFLOW, "--start", "2026-01-01"),
            *("--end", "2026-12-31", "--phase", "implementation", "--as", "jlee"),
        ],
        ["journey", "start", LAUNCHED, "member", "M-1", "--as", "kpark"],
    ):
        subprocess.run([LIFECYCLE, *args, *url], env=env, check=True, capture_output=True)
    started = folder / "started.db"
    _copy(base, started)
    subprocess.run(
        [LIFECYCLE, "task", "start", LAUNCHED, TASK, "--as", TASK_OWNER, "--db", f"sqlite:///{started}"],
        env=env,
        check=True,
        capture_output=True,
    )
    return base, started


def measure(runs: int, cache: bool) -> tuple[list[Timing], str, str]:
    """Every command's timings, with the load average before and after."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        env = {**os.environ, "XDG_CACHE_HOME": str(folder / "cache")}
        if not cache:
            env["LIFECYCLE_CACHE"] = "off"
        env.pop("LIFECYCLE_DB", None)
        # An installed lifecycle keeps its compiled bytecode; an environment that
        # turns writing it off would make every run compile the sources again.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        base, started = _prepare(folder, env)
        sources = {"base": base, "started": started}
        before = _load()
        timings = [Timing("lifecycle --version", *_times(["--version"], env, runs))]
        for label, args in READS:
            env["LIFECYCLE_DB"] = f"sqlite:///{base}"
            timings.append(Timing(f"lifecycle {label}", *_times(args, env, runs)))
        for label, source, args in WRITES:
            wall, cpu = [], []
            scratch = folder / "scratch.db"
            env["LIFECYCLE_DB"] = f"sqlite:///{scratch}"
            for _ in range(runs):
                _copy(sources[source], scratch)
                for suffix in ("-wal", "-shm"):
                    Path(f"{scratch}{suffix}").unlink(missing_ok=True)
                seconds, used = _run(args, env)
                wall.append(seconds)
                cpu.append(used)
            timings.append(Timing(f"lifecycle {label}", wall, cpu))
        shutil.rmtree(folder / "cache", ignore_errors=True)
        return timings, before, _load()


def _times(args: list[str], env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    _run(args, env)  # warm: the page cache, and the parsed-workflow cache
    pairs = [_run(args, env) for _ in range(runs)]
    return [wall for wall, _ in pairs], [cpu for _, cpu in pairs]


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command")
    parser.add_argument("--no-cache", action="store_true", help="turn the parsed-workflow cache off")
    args = parser.parse_args()
    timings, before, after = measure(args.runs, cache=not args.no_cache)
    print(f"{args.runs} runs each; load average (1/5/15 min) {before} before, {after} after")
    print("| command | median wall | p90 wall | median CPU |")
    print("| --- | --- | --- | --- |")
    for timing in timings:
        print(timing.row())


if __name__ == "__main__":
    main()
