"""A write that other writers keep beating is retried for ``$LIFECYCLE_DB_WAIT``
seconds, then given up with one line; nothing of it is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm.exc import StaleDataError
from tracked import started, world

from lifecycle.store import open_store
from lifecycle.tracking import Tracker
from lifecycle.tracking.errors import TrackingError
from lifecycle.tracking.unit import Work


def test_a_write_beaten_every_time_gives_up_after_the_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    started(url, world(tmp_path), phase="pre-launch").close()
    monkeypatch.setenv("LIFECYCLE_DB_WAIT", "0.3")
    tracker = Tracker(open_store(url))
    attempts: list[int] = []

    def beaten(work: Work) -> None:
        # As when another writer commits between this one's read and its write.
        work.partnership.phase = "scoping"
        attempts.append(work.partnership.version)
        raise StaleDataError("another writer committed first")

    try:
        with pytest.raises(TrackingError) as refused:
            tracker.unit.write("acme", beaten)
        assert len(attempts) > 1
        assert str(refused.value) == (
            f"partnership 'acme' is too busy: other writers changed it first {len(attempts)} times in 0.3 s "
            "(set LIFECYCLE_DB_WAIT=SECONDS to wait longer); nothing was written"
        )
        assert tracker.partnership("acme").phase == "pre-launch"
    finally:
        tracker.close()
