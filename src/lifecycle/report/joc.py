"""What a joint operating committee (JOC) meeting needs about one partnership.

Gate readiness with its open criteria and stale sign-offs, the open
escalations (overdue levels first), the resilience score, and, given a log of
real referrals, their replay against a journey plus the referrals started per
week. :mod:`lifecycle.report.joc_document` lays it out as HTML or PDF.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from lifecycle.interchange.conformance import Conformance, replay
from lifecycle.interchange.event_log import EventBatch
from lifecycle.interchange.journey_moves import JourneyMoves
from lifecycle.interchange.log_reader import open_log
from lifecycle.resilience import Resilience, resilience_score
from lifecycle.tracking.reads import Reads
from lifecycle.tracking.status import Status, partnership_status

__all__ = ["JocReport", "Referrals", "joc_report"]

_MICROS = 1_000_000


@dataclass(frozen=True)
class Referrals:
    """A log of real referrals replayed against a journey."""

    log: str
    journey: str
    replay: Conformance
    weekly: list[tuple[dt.date, int]]
    """(Monday of the week, referrals whose first event falls in it), every week
    from the first to the last, empty weeks included."""
    bad_rows: int
    """Malformed rows of the log, skipped."""


@dataclass(frozen=True)
class JocReport:
    """Everything the JOC report shows."""

    status: Status
    resilience: Resilience
    referrals: Referrals | None
    as_of: dt.datetime


def joc_report(
    reads: Reads,
    name: str,
    *,
    log: str | None = None,
    journey: str = "member",
    now: dt.datetime | None = None,
) -> JocReport:
    """Gather the JOC report of partnership ``name``.

    Parameters
    ----------
    reads
        The database holding the partnership: a :class:`~lifecycle.tracking.Tracker`
        or a read-only :func:`~lifecycle.tracking.reads.open_reader`.
    name
        The partnership.
    log
        A log of real referrals, read as ``lifecycle conformance`` reads it
        (:func:`~lifecycle.interchange.log_reader.open_log`: .csv, .xes, or
        .json, a FHIR Bundle of Tasks), or None.
    journey
        The journey the log's cases should follow.
    now
        Judge due and overdue as of this moment (default: now, UTC).

    Raises
    ------
    LifecycleError
        When there is no such partnership or journey, or the log cannot be read.
    """
    moment = now or dt.datetime.now(dt.UTC)
    status = partnership_status(reads, name, moment)
    referrals = None
    if log is not None:
        JourneyMoves.of(status.workflow, journey)
        reader = open_log(log)
        first: dict[str, int] = {}
        result = replay(status.workflow, journey, _noting_first(reader, first), unit=reader.unit)
        referrals = Referrals(log, journey, result, _weekly(first.values()), reader.bad_row_count)
    return JocReport(status, resilience_score(status.workflow), referrals, moment)


def _noting_first(batches: Iterable[EventBatch], first: dict[str, int]) -> Iterator[EventBatch]:
    """Pass the batches on, noting each case's earliest timestamp in ``first``."""
    for batch in batches:
        names = batch.cases.dictionary.to_pylist()
        codes = batch.cases.indices.to_numpy(zero_copy_only=False)
        earliest = np.full(len(names), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(earliest, codes, batch.timestamps)
        for code in np.unique(codes):
            case = str(names[code])
            stamp = int(earliest[code])
            first[case] = min(first.get(case, stamp), stamp)
        yield batch


def _weekly(stamps: Iterable[int]) -> list[tuple[dt.date, int]]:
    days = [dt.datetime.fromtimestamp(s / _MICROS, dt.UTC).date() for s in stamps]
    if not days:
        return []
    mondays = [d - dt.timedelta(days=d.weekday()) for d in days]
    counts: dict[dt.date, int] = {}
    for monday in mondays:
        counts[monday] = counts.get(monday, 0) + 1
    week, last = min(mondays), max(mondays)
    result = []
    while week <= last:
        result.append((week, counts.get(week, 0)))
        week += dt.timedelta(weeks=1)
    return result
