"""Audited transitions per second on SQLite against a bare ``transitions`` machine.

    .venv/bin/python bench/bench_tracking.py [--tasks 500] [--partnerships 10] [--db URL]

Three figures:

- bare: ``start`` and ``done`` fired on models of one shared ``transitions``
  machine, no persistence;
- audited, in batches: the same two moves through the tracking service
  (``Tracker.change_tasks`` with every task of a partnership in one call), each
  one a task row update plus an audit entry in one transaction per batch;
- audited, one by one: one transaction per transition;

and the memory of 10,000 tracked instances on one shared machine (tracemalloc).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import tempfile
import time
import tracemalloc
from pathlib import Path

from transitions import Machine

from lifecycle.machine import Tracked, task_machine
from lifecycle.store import open_store
from lifecycle.tracking import Tracker


def synthetic_workflow(tasks: int) -> str:
    """A one-phase workflow with ``tasks`` independent tasks."""
    lines = [
        "id: bench",
        "title: Bench",
        "organizations:",
        "  plan: {name: Plan, kind: payer}",
        "people:",
        "  jlee: {name: Jo Lee, org: plan}",
        "roles:",
        "  poc: {org: plan, title: Point of contact, held_by: [jlee]}",
        "phases:",
        "  work:",
        "    title: Work",
        "    tasks:",
    ]
    lines += [f"      t{i}: {{title: Task {i}, owner: poc}}" for i in range(tasks)]
    return "\n".join(lines) + "\n"


def bare(count: int) -> float:
    """Transitions per second on a bare shared machine, no persistence."""
    machine = Machine(
        model=None,
        states=["todo", "in-progress", "done"],
        transitions=[
            {"trigger": "start", "source": "todo", "dest": "in-progress"},
            {"trigger": "done", "source": "in-progress", "dest": "done"},
        ],
        initial="todo",
        auto_transitions=False,
    )
    models = [Tracked(str(i), "todo") for i in range(count)]
    for model in models:
        machine.add_model(model)
    began = time.perf_counter()
    for model in models:
        model.start()  # type: ignore[attr-defined]
        model.done()  # type: ignore[attr-defined]
    return 2 * count / (time.perf_counter() - began)


def audited_batches(tracker: Tracker, workflow: Path, tasks: int, partnerships: int) -> float:
    ids = [f"t{i}" for i in range(tasks)]
    names = [f"batch-{n}" for n in range(partnerships)]
    for name in names:
        tracker.start_partnership(
            name, str(workflow), dt.date(2026, 1, 1), dt.date(2026, 12, 31), actor="jlee"
        )
    began = time.perf_counter()
    for name in names:
        tracker.change_tasks(name, ids, "start", actor="jlee")
        tracker.change_tasks(name, ids, "done", actor="jlee")
    return 2 * tasks * partnerships / (time.perf_counter() - began)


def audited_single(tracker: Tracker, workflow: Path, count: int) -> float:
    tracker.start_partnership(
        "single", str(workflow), dt.date(2026, 1, 1), dt.date(2026, 12, 31), actor="jlee"
    )
    began = time.perf_counter()
    for i in range(count):
        tracker.change_tasks("single", [f"t{i}"], "start", actor="jlee")
    return count / (time.perf_counter() - began)


def memory(instances: int) -> tuple[float, float]:
    """MB (tracemalloc) and seconds (timed without tracemalloc, which slows
    allocation) to attach ``instances`` models to one shared machine."""
    shared = task_machine()
    gc.collect()
    began = time.perf_counter()
    models = shared.attach_all(Tracked(f"task {i}", "todo") for i in range(instances))
    seconds = time.perf_counter() - began
    assert len(shared.machine.models) == len(models)
    del models, shared
    gc.collect()
    shared = task_machine()
    tracemalloc.start()
    shared.attach_all(Tracked(f"task {i}", "todo") for i in range(instances))
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return size / 1e6, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=500, help="tasks per partnership (one batch)")
    parser.add_argument("--partnerships", type=int, default=10)
    parser.add_argument("--single", type=int, default=200, help="unbatched transitions to time")
    parser.add_argument("--db", help="database URL [default: a fresh SQLite file]")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        workflow = Path(folder) / "bench.yaml"
        workflow.write_text(synthetic_workflow(args.tasks), encoding="utf-8")
        url = args.db or f"sqlite:///{Path(folder) / 'bench.db'}"
        tracker = Tracker(open_store(url, create=True))
        bare_rate = bare(args.tasks * args.partnerships)
        batch_rate = audited_batches(tracker, workflow, args.tasks, args.partnerships)
        single_rate = audited_single(tracker, workflow, min(args.single, args.tasks))
        tracker.close()
    megabytes, seconds = memory(10_000)
    total = 2 * args.tasks * args.partnerships
    print(f"bare transitions machine:      {bare_rate:12,.0f} transitions/s")
    print(
        f"audited, batches of {args.tasks:>5}:    {batch_rate:12,.0f} transitions/s "
        f"({total:,} transitions; bare/audited = {bare_rate / batch_rate:.1f}x)"
    )
    print(f"audited, one per transaction: {single_rate:12,.0f} transitions/s")
    print(f"10,000 instances on one shared machine: {megabytes:.1f} MB, attached in {seconds:.2f} s")


if __name__ == "__main__":
    main()
