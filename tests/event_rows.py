"""An event log's events as plain rows, read back by lifecycle's own reader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lifecycle.interchange.event_log import EventLogReader

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

Row = tuple[str, str, str | None, dt.datetime]
"""Case, activity, resource (None where the log records none) and time."""


def read_rows(path: Path) -> list[Row]:
    """Every event of the CSV or XES file at ``path``, sorted; asserts no row was skipped."""
    reader = EventLogReader(str(path))
    rows: list[Row] = []
    for batch in reader:
        assert batch.resources is not None
        stamps = [EPOCH + dt.timedelta(microseconds=int(m)) for m in batch.timestamps]
        columns = (batch.cases.to_pylist(), batch.activities.to_pylist(), batch.resources.to_pylist())
        rows += zip(*columns, stamps, strict=True)
    assert reader.bad_rows == []
    return sorted(rows)
