"""Separate processes for the concurrency tests, started in milliseconds.

A ``spawn`` child starts a new interpreter and imports everything again, the
test module (and with it pytest and hypothesis) included: a second or more of
CPU each, and the race tests start dozens. :data:`CONTEXT` forks each child
from a fork server that has already imported this module (and so the store
and the tracker); a child is still its own process, with its own interpreter
state and its own database connections, which is what the races need. The
server also imports what the store and the tracker import only on first use
(the workflow model, Alembic, the database drivers), which each child would
otherwise import again.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.context import ForkServerContext
from multiprocessing.queues import Queue
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Barrier

from tracked import END, START

from lifecycle.diagnostics import LifecycleError
from lifecycle.store import open_store
from lifecycle.tracking import Tracker

CONTEXT: ForkServerContext = multiprocessing.get_context("forkserver")
CONTEXT.set_forkserver_preload(
    [
        __name__,
        "lifecycle.loader",
        "alembic.command",
        "alembic.config",
        "alembic.script",
        "alembic.runtime.migration",
        "sqlalchemy.dialects.sqlite",
        "sqlalchemy.dialects.postgresql.psycopg",
    ]
)


def first_start(url: str, workflow: str, name: str, results: Queue[str]) -> None:
    """Open (creating if need be) the database at ``url``, start partnership ``name``
    and put what happened on ``results``: ``ok``, ``refused: ...`` or ``crashed: ...``."""
    try:
        tracker = Tracker(open_store(url, create=True))
        tracker.start_partnership(name, workflow, START, END, actor="jlee")
        tracker.close()
        results.put("ok")
    except LifecycleError as exc:
        results.put(f"refused: {exc}")
    except Exception as exc:  # noqa: BLE001 - what the race tests look for
        results.put(f"crashed: {type(exc).__name__}: {exc}")


def finish_tasks(
    url: str,
    partnership: str,
    tasks: list[str],
    actor: str,
    together: Barrier,
    started: Synchronized[int],
    results: Queue[tuple[str, int]],
) -> None:
    """Waive each of ``tasks`` of ``partnership`` as ``actor``, one command each,
    once every worker sharing ``together`` has opened the database; then put
    ``actor`` and how many workers had ``started`` by then on ``results``."""
    tracker = Tracker(open_store(url))
    with started.get_lock():
        started.value += 1
    # Without it one worker could be done before the other had started: no race.
    together.wait(timeout=120)
    for task in tasks:
        tracker.change_tasks(partnership, [task], "waive", actor=actor, note=f"by {actor}")
    tracker.close()
    results.put((actor, started.value))
