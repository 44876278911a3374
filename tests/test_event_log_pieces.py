"""The CSV reader's fast path cuts the file into pieces at line ends: whatever the
piece size, quoted fields (with commas, quotes and line breaks) and malformed rows
come out as one read of the whole file gives them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifecycle.interchange.event_log import EventLogReader, _whole_lines

IDS = st.text(alphabet='ab,"\n x', min_size=1, max_size=8).filter(lambda s: s.strip())


def _log(rows: list[tuple[str, str, int]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["case", "activity", "timestamp"])
    for case, activity, minute in rows:
        writer.writerow([case, activity, f"2026-03-02T09:{minute:02d}:00Z"])
    return buffer.getvalue()


def _read(path: Path, batch_bytes: int) -> tuple[list[tuple[str, str, int]], list[str]]:
    reader = EventLogReader(str(path), batch_bytes=batch_bytes)
    events = []
    for batch in reader:
        cases = batch.cases.to_pylist()
        activities = batch.activities.to_pylist()
        events += list(zip(cases, activities, batch.timestamps.tolist(), strict=True))
    return events, [str(row) for row in reader.bad_rows]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.tuples(IDS, IDS, st.integers(0, 59)), min_size=1, max_size=40),
    piece=st.integers(8, 300),
)
def test_any_piece_size_reads_the_same_events(
    tmp_path: Path, rows: list[tuple[str, str, int]], piece: int
) -> None:
    path = tmp_path / "events.csv"
    path.write_text(_log(rows), newline="")
    whole, _ = _read(path, 1 << 20)
    assert [(case, activity) for case, activity, _ in whole] == [(c, a) for c, a, _ in rows]
    assert _read(path, piece)[0] == whole


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bad=st.integers(0, 29), piece=st.integers(100, 400))  # the careful path: a block holds 2 rows
def test_a_malformed_row_in_a_later_piece_is_found_on_its_line(tmp_path: Path, bad: int, piece: int) -> None:
    lines = _log([(f"REF-{n}", "outreach", n) for n in range(30)]).splitlines()
    lines[bad + 1] = f"REF-{bad},outreach,yesterday"
    path = tmp_path / "events.csv"
    path.write_text("\n".join(lines) + "\n")
    events, bad_rows = _read(path, piece)
    assert len(events) == 29
    assert bad_rows == [f"line {bad + 2}: bad timestamp 'yesterday' (use ISO 8601)"]


@given(data=st.binary(max_size=60).map(lambda b: b.replace(b"\x00", b'"')))
def test_whole_lines_cut_at_a_line_end_outside_quotes(data: bytes) -> None:
    piece, rest = _whole_lines(data, final=False)
    assert piece + rest == data
    assert piece == b"" or (piece.endswith(b"\n") and piece.count(b'"') % 2 == 0)
    assert _whole_lines(data, final=True) == (data, b"")
