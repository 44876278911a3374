"""Twenty writers at once: lost writes, refusals, "too busy" give-ups, throughput.

    .venv/bin/python bench/bench_concurrency.py [--writers 20] [--ops 25] [--backend sqlite|postgresql|both]

Each writer is its own process with its own :class:`~lifecycle.tracking.Tracker`
and starts ``--ops`` tasks of its own, one transaction each, as fast as it can,
on one shared partnership and then spread over several partnerships. Every
task start that returned must be in the database: the task in progress and one
``task.start`` entry in the audit log; a missing one is a lost write (must be
0). A refusal is a transition the rules turned down (none are expected here);
a give-up is a "too busy" error or a database error (locked past
``LIFECYCLE_DB_WAIT``). PostgreSQL runs on a throwaway server on loopback
(``tests/postgres.py``). Also times the damage check that runs before a
command's first write (``PRAGMA quick_check``) on a SQLite file holding 10,000
tracked task instances.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from lifecycle.diagnostics import LifecycleError
from lifecycle.machine import TransitionRefused
from lifecycle.store import DatabaseError, open_store
from lifecycle.store.tables import AuditEntry, Partnership, TaskStatus
from lifecycle.tracking import Tracker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import postgres

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_tracking import synthetic_workflow

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


@dataclass
class Result:
    """One hammer run: what every writer reported and what the database holds."""

    outcomes: Counter[str]
    seconds: float
    lost: int

    @property
    def operations(self) -> int:
        return sum(self.outcomes.values())


def _writer(url: str, names: list[str], writer: int, ops: int, go: Any, queue: Any) -> None:
    tracker = Tracker(open_store(url))
    outcomes: Counter[str] = Counter()
    done: list[tuple[str, str]] = []
    # Every writer opens its store first, so the timing is of the writes, not of Python starting.
    go.wait()
    began = time.time()
    for op in range(ops):
        name = names[(writer + op) % len(names)]
        task = f"t{writer * ops + op}"
        try:
            tracker.change_tasks(name, [task], "start", actor="jlee")
            outcomes["ok"] += 1
            done.append((name, task))
        except TransitionRefused:
            outcomes["refused"] += 1
        except DatabaseError:
            outcomes["database error"] += 1
        except LifecycleError as exc:
            outcomes["too busy" if "too busy" in str(exc) else "other error"] += 1
    ended = time.time()
    tracker.close()
    queue.put((dict(outcomes), done, began, ended))


def hammer(url: str, workflow: Path, *, writers: int, ops: int, partnerships: int) -> Result:
    """Start ``partnerships`` partnerships on ``url`` and run ``writers`` processes at them."""
    tracker = Tracker(open_store(url, create=True))
    names = [f"p{i}" for i in range(partnerships)]
    for name in names:
        tracker.start_partnership(name, str(workflow), START, END, actor="jlee")
    # Writers fork from a server that has imported this script and the workflow loader once:
    # no new interpreter per writer, and no first-use import inside the timed writes.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", "lifecycle.loader"])
    queue = context.Queue()
    go = context.Barrier(writers + 1)
    procs = [context.Process(target=_writer, args=(url, names, w, ops, go, queue)) for w in range(writers)]
    for proc in procs:
        proc.start()
    go.wait(timeout=600)
    reports = [queue.get(timeout=600) for _ in procs]
    for proc in procs:
        proc.join(60)
    outcomes: Counter[str] = Counter()
    done: set[tuple[str, str]] = set()
    for counts, finished, _began, _ended in reports:
        outcomes.update(counts)
        done.update(finished)
    seconds = max(r[3] for r in reports) - min(r[2] for r in reports)
    with tracker.store.transaction() as session:
        started = {
            (name, task)
            for name, task in session.execute(
                select(Partnership.name, TaskStatus.task_id)
                .join(TaskStatus, TaskStatus.partnership_id == Partnership.id)
                .where(TaskStatus.state == "in-progress")
            )
        }
        logged = {
            (name, task)
            for name, task in session.execute(
                select(Partnership.name, AuditEntry.subject)
                .join(AuditEntry, AuditEntry.partnership_id == Partnership.id)
                .where(AuditEntry.action == "task.start", AuditEntry.outcome == "ok")
            )
        }
    tracker.close()
    return Result(outcomes, seconds, len(done - started) + len(done - logged))


def quick_check_cost(folder: Path, partnerships: int) -> tuple[int, float, float]:
    """A SQLite file with ``partnerships`` partnerships of 100 tasks, each started
    (100 make 10,000 tracked task instances): the instances, the file's size in
    MB, and the median seconds quick_check takes."""
    workflow = folder / "big.yaml"
    workflow.write_text(synthetic_workflow(100), encoding="utf-8")
    path = folder / "big.db"
    tracker = Tracker(open_store(f"sqlite:///{path}", create=True))
    for number in range(partnerships):
        tracker.start_partnership(f"p{number}", str(workflow), START, END, actor="jlee")
        tracker.change_tasks(f"p{number}", [f"t{i}" for i in range(100)], "start", actor="jlee")
    with tracker.store.transaction() as session:
        instances = session.scalar(select(func.count()).select_from(TaskStatus)) or 0
        times = []
        for _ in range(5):
            began = time.perf_counter()
            session.execute(text("PRAGMA quick_check(3)")).all()
            times.append(time.perf_counter() - began)
    tracker.close()
    return instances, path.stat().st_size / 1e6, sorted(times)[len(times) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--ops", type=int, default=25, help="task starts per writer")
    parser.add_argument("--spread", type=int, default=5, help="partnerships in the spread run")
    parser.add_argument("--checked", type=int, default=100, help="partnerships of 100 tasks for quick_check")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        workflow = folder / "bench.yaml"
        workflow.write_text(synthetic_workflow(args.writers * args.ops), encoding="utf-8")
        urls: list[tuple[str, object]] = []
        if args.backend in {"sqlite", "both"}:
            urls.append(("sqlite", lambda run: f"sqlite:///{folder / f'{run}.db'}"))
        if args.backend in {"postgresql", "both"}:
            server = postgres.server()
            if isinstance(server, str):
                sys.exit(f"bench_concurrency: {server}")
            urls.append(("postgresql", lambda run: postgres.database(server)))
        print(f"{args.writers} writer processes x {args.ops} task starts each, one transaction per start")
        print(f"{'backend':<11} {'partnerships':>12} {'ops':>6} {'ok':>6} {'lost':>5} {'refused':>8} "
              f"{'too busy':>9} {'db error':>9} {'other':>6} {'ops/s':>7}")  # fmt: skip
        for backend, make in urls:
            for partnerships in (1, args.spread):
                url = make(f"{backend}-{partnerships}")  # type: ignore[operator]
                result = hammer(url, workflow, writers=args.writers, ops=args.ops, partnerships=partnerships)
                o = result.outcomes
                print(
                    f"{backend:<11} {partnerships:>12} {result.operations:>6} {o['ok']:>6} {result.lost:>5} "
                    f"{o['refused']:>8} {o['too busy']:>9} {o['database error']:>9} {o['other error']:>6} "
                    f"{o['ok'] / result.seconds:>7.0f}"
                )
        instances, megabytes, seconds = quick_check_cost(folder, args.checked)
        print(f"quick_check before a command's first write: {seconds * 1000:.0f} ms on {instances:,} "
              f"task instances ({megabytes:.1f} MB file)")  # fmt: skip


if __name__ == "__main__":
    main()
