"""A studio served for real on a free loopback port, in a background thread, and
the headless Chromium that drives it (Debian's ``chromium``; Playwright launches
it by its path, since browsers cannot be downloaded here).

Used by the end-to-end tests (``bench/bench_studio.py`` runs ``lifecycle serve`` in a
process of its own instead).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
import time
from pathlib import Path
from types import TracebackType

import pytest
import uvicorn
from built_once import built_once
from starlette.applications import Starlette

from lifecycle.loader import load
from lifecycle.studio.listen import listening_socket
from lifecycle.tracking import Tracker

__all__ = ["CONTRACT", "NEXT_DEADLINE", "LiveServer", "chromium_path", "track_two", "tracked_two"]

PAYER = Path(__file__).resolve().parent.parent / "workflows" / "payer-cbo-partnership.yaml"
CONTRACT = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
"""The contract start and end of both partnerships :func:`track_two` tracks."""
NEXT_DEADLINE = ("begin-renewal", "120 days before contract end", CONTRACT[1] - dt.timedelta(days=120))
"""The task, due text and date of the next deadline of both partnerships of
:func:`track_two`, worked out by hand from the shipped workflow: neither has reached
a task with a deadline and the tracker records no date for "partner identified",
so the soonest dated deadline is the renewal's, 120 days before the contract ends."""


def chromium_path() -> str | None:
    """The Chromium to drive: ``$LIFECYCLE_CHROMIUM``, else ``chromium`` on the PATH."""
    return os.environ.get("LIFECYCLE_CHROMIUM") or shutil.which("chromium")


class LiveServer:
    """Serve ``app`` with uvicorn on 127.0.0.1 until the ``with`` block ends."""

    def __init__(self, app: Starlette) -> None:
        self._socket = listening_socket("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def __enter__(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the studio did not start within 20 s")
            time.sleep(0.02)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()


def track_two(db: str, workflow: Path) -> None:
    """Riverside has met its first gate, with evidence and sign-offs; Lakeside has just started."""
    tracker = Tracker.open(db, create=True)
    try:
        start, end = CONTRACT
        for name in ("riverside", "lakeside"):
            tracker.start_partnership(name, str(workflow), start, end, actor="jlee")
        doc = load(workflow)
        phase_id, phase = next(iter(doc.workflow.phases.items()))
        assert phase.exit_gate is not None
        for tid, task in phase.tasks.items():
            # Each task is changed by a holder of its own role, as the tracker insists.
            doer = doc.workflow.roles[(task.responsible or task.owner)[0]].held_by[0]
            tracker.change_tasks("riverside", [tid], "start", actor=doer)
            evidence = f"shared drive: {tid}.pdf" if task.produces else None
            tracker.change_tasks("riverside", [tid], "done", actor=doer, evidence=evidence)
        signers = {
            doc.workflow.roles[role].held_by[0]
            for criterion in phase.exit_gate.criteria.values()
            for role in criterion.signoff
        }
        for person in sorted(signers):
            tracker.sign_off("riverside", phase_id, actor=person, evidence="reviewed in the JOC")
        assert tracker.check_gate("riverside").met
    finally:
        tracker.close()


def tracked_two(factory: pytest.TempPathFactory) -> Path:
    """The database of :func:`track_two` on the shipped payer-CBO workflow (a copy
    beside it), built once per test run for every worker: open it read-only."""

    def build(db: Path) -> None:
        workflow = db.with_suffix(".yaml")
        shutil.copy(PAYER, workflow)
        track_two(str(db), workflow)

    return built_once(factory, "studio-tracked-two.db", build)
