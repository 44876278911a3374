"""Conformance replay: where real referrals deviate from a journey.

Each case of an event log is replayed, in file order, against the journey's
steps and exits (:class:`~lifecycle.interchange.journey_moves.JourneyMoves`).
The deviation kinds are defined in ``docs/conformance.md``; in short, for an
event whose activity is ``x`` while the case stands at ``p``:

- ``unknown-activity``: ``x`` is no step or exit of the journey; ``p`` stays;
- ``skipped-step``: ``x`` is reachable from ``p`` only through other steps; ``p``
  becomes ``x``;
- ``out-of-order``: ``x`` is not reachable from ``p`` (already passed, or the
  case has ended); ``p`` stays;
- ``wrong-role``: the event's resource may not make the move from ``p`` to
  ``x``: act for a role the move names (``moved_by``), else for the owner of
  step ``x`` (independent of the three above);
- ``open-too-long``: per case, not at an exit and older than the time limit.

The replay is vectorized: a batch of events is sorted by case, each event's
position is the activity of the last event before it in its case that moved
the case (found with a running maximum), and the move is looked up in the
journey's move table. Since whether an event moves depends on the events
before it, the lookup is repeated until no event changes its mind; the first
event of each case is right at once, so this ends, in practice after two or
three rounds. Each case's position, times and stages carry over to the next
batch, so a log of any size streams through in bounded memory.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from lifecycle.interchange.arrow_numpy import integers
from lifecycle.interchange.event_log import EventBatch
from lifecycle.interchange.journey_moves import BACK, SKIP, STAGES, JourneyMoves
from lifecycle.model import Workflow
from lifecycle.words import count, did_you_mean

__all__ = [
    "DEFAULT_OPEN_LIMIT",
    "Conformance",
    "Deviation",
    "DeviationKind",
    "StageStep",
    "Stall",
    "parse_span",
    "replay",
]

DEFAULT_OPEN_LIMIT = dt.timedelta(days=30)
"""A case not at an exit this long after its first event is ``open-too-long``."""

_NEVER = int(np.iinfo(np.int32).max)
"""A time not reached yet; times are seconds from the log's first timestamp (int32: 68 years)."""
_T = TypeVar("_T", bound=np.generic)
_MICROS = 1_000_000
_DAY = 86_400


class DeviationKind(StrEnum):
    """The ways a case can deviate from its journey (``docs/conformance.md``)."""

    SKIPPED_STEP = "skipped-step"
    OUT_OF_ORDER = "out-of-order"
    WRONG_ROLE = "wrong-role"
    UNKNOWN_ACTIVITY = "unknown-activity"
    OPEN_TOO_LONG = "open-too-long"


_KINDS = tuple(DeviationKind)
_KIND_CODE = {kind: code for code, kind in enumerate(_KINDS)}


@dataclass(frozen=True)
class Deviation:
    """One deviation of one case."""

    case: str
    kind: DeviationKind
    where: str
    """The event's place in the log (``line 17``), empty for ``open-too-long``."""
    activity: str
    """The event's activity, or the case's last step for ``open-too-long``."""
    detail: str
    """What the journey expected, in words."""


@dataclass(frozen=True)
class StageStep:
    """From one stage of member interaction to the next."""

    source: str
    target: str
    reached: int
    """Cases that reached the first stage."""
    converted: int
    """Of those, cases that reached the next stage."""
    median_days: float | None
    """Median time from first reaching the first stage to first reaching the next."""
    p90_days: float | None
    """90th percentile of that time."""

    @property
    def rate(self) -> float | None:
        """converted / reached, None when no case reached the first stage."""
        return self.converted / self.reached if self.reached else None


@dataclass(frozen=True)
class Stall:
    """Where open cases stand: a step, how many, how long since they last moved."""

    activity: str
    cases: int
    median_idle_days: float


@dataclass
class _Cases:
    """Per-case state, indexed by case code, grown as new cases appear.

    The types are as narrow as the values allow: a log of a million events
    has some 200,000 cases, and this state is most of a replay's memory.
    """

    position: npt.NDArray[np.int16]
    events: npt.NDArray[np.int32]
    deviations: npt.NDArray[np.int32]
    first: npt.NDArray[np.int32]
    last: npt.NDArray[np.int32]
    stage_first: npt.NDArray[np.int32]

    @classmethod
    def empty(cls, start: int) -> _Cases:
        return cls(
            np.full(0, start, np.int16),
            np.zeros(0, np.int32),
            np.zeros(0, np.int32),
            np.full(0, _NEVER, np.int32),
            np.full(0, -_NEVER, np.int32),
            np.full((0, len(STAGES)), _NEVER, np.int32),
        )

    def grow(self, size: int, start: int) -> None:
        have = len(self.events)
        if size <= have:
            return
        # A quarter more (at least 65,536): less slack than doubling, few copies.
        extra = max(size, have + max(have // 4, 65_536)) - have

        def more(values: npt.NDArray[_T], fill: int) -> npt.NDArray[_T]:
            pad = np.full((extra, *values.shape[1:]), fill, dtype=values.dtype)
            return np.concatenate([values, pad])

        self.position = more(self.position, start)
        self.events = more(self.events, 0)
        self.deviations = more(self.deviations, 0)
        self.first = more(self.first, _NEVER)
        self.last = more(self.last, -_NEVER)
        self.stage_first = more(self.stage_first, _NEVER)


@dataclass
class Conformance:
    """The outcome of replaying an event log against a journey.

    Build it with :func:`replay`; the figures are computed from per-case arrays
    when asked for, so a million-event log stays small in memory.
    """

    moves: JourneyMoves
    open_limit: dt.timedelta
    as_of_micros: int | None = None
    """The moment open cases are judged at; None: the log's latest timestamp."""
    case_ids: dict[str, int] = field(default_factory=dict)
    events: int = 0
    _cases: _Cases = field(init=False)
    _kinds: list[npt.NDArray[np.int8]] = field(default_factory=list)
    _case_of: list[npt.NDArray[np.int64]] = field(default_factory=list)
    _where: list[npt.NDArray[np.int64]] = field(default_factory=list)
    _activity: list[npt.NDArray[np.int64]] = field(default_factory=list)
    _origin: list[npt.NDArray[np.int64]] = field(default_factory=list)
    _resource: list[npt.NDArray[np.int64]] = field(default_factory=list)
    unknown_names: dict[str, int] = field(default_factory=dict)
    resource_names: dict[str, int] = field(default_factory=dict)
    unit: str = "line"
    _latest: int = -_NEVER
    _base: int | None = None
    """The log's first timestamp (microseconds since the epoch): times are kept
    as int32 seconds from it, half the memory of int64 microseconds."""

    def __post_init__(self) -> None:
        self._cases = _Cases.empty(self.moves.start)

    # -- replay ---------------------------------------------------------------

    def feed(self, batch: EventBatch) -> None:
        """Replay one batch of events, carrying each case's state over."""
        if not len(batch):
            return
        moves = self.moves
        cases = self._case_codes(batch.cases)
        activities = self._activity_codes(batch.activities)
        if self._base is None:
            self._base = int(batch.timestamps.min())
        stamps = ((batch.timestamps - self._base) // _MICROS).astype(np.int32)
        self.events += len(cases)
        self._latest = max(self._latest, int(stamps.max()))
        state = self._cases
        state.grow(len(self.case_ids), moves.start)

        order = np.argsort(cases, kind="stable")
        cases, activities, stamps = cases[order], activities[order], stamps[order]
        where = batch.positions[order]
        n = len(cases)
        starts = np.flatnonzero(np.concatenate(([True], cases[1:] != cases[:-1])))
        sizes = np.diff(np.append(starts, n))
        segment_start = np.repeat(starts, sizes)
        known = activities >= 0
        lookup = np.where(known, activities, 0)
        carried = state.position[cases]
        index = np.arange(n)

        moving = known.copy()
        while True:
            last = np.maximum.accumulate(np.where(moving, index, -1))
            before = np.concatenate(([-1], last[:-1]))
            origin = np.where(before < segment_start, carried, lookup[np.maximum(before, 0)])
            move = moves.moves[origin, lookup]
            now_moving = known & (move != BACK)
            if np.array_equal(now_moving, moving):
                break
            moving = now_moving

        kinds = {
            DeviationKind.UNKNOWN_ACTIVITY: ~known,
            DeviationKind.SKIPPED_STEP: known & (move == SKIP),
            DeviationKind.OUT_OF_ORDER: known & (move == BACK),
        }
        if batch.resources is not None:
            allowed = self._allowed(batch.resources)
            kinds[DeviationKind.WRONG_ROLE] = known & ~allowed[_rows(batch.resources)[order], origin, lookup]
        resources = self._resource_codes(batch.resources, order) if batch.resources is not None else None
        for kind, mask in kinds.items():
            hits = np.flatnonzero(mask)
            if len(hits):
                self._record(
                    kind,
                    cases[hits],
                    where[hits],
                    activities[hits],
                    origin[hits],
                    resources[hits] if resources is not None else np.full(len(hits), -1),
                )

        heads = cases[starts]
        state.events[heads] += sizes
        ends = starts + sizes - 1
        final = last[ends]
        moved = final >= starts
        state.position[heads[moved]] = activities[final[moved]]
        state.first[heads] = np.minimum(state.first[heads], np.minimum.reduceat(stamps, starts))
        state.last[heads] = np.maximum(state.last[heads], np.maximum.reduceat(stamps, starts))
        steps = moving & (moves.stage_of[lookup] >= 0)
        flat = cases[steps] * len(STAGES) + moves.stage_of[lookup[steps]]
        np.minimum.at(state.stage_first.reshape(-1), flat, stamps[steps])

    def _record(
        self,
        kind: DeviationKind,
        cases: npt.NDArray[np.int64],
        where: npt.NDArray[np.int64],
        activities: npt.NDArray[np.int64],
        origins: npt.NDArray[np.int64],
        resources: npt.NDArray[np.int64],
    ) -> None:
        self._kinds.append(np.full(len(cases), _KIND_CODE[kind], dtype=np.int8))
        self._case_of.append(cases)
        self._where.append(where)
        self._activity.append(activities)
        self._origin.append(origins)
        self._resource.append(resources)
        np.add.at(self._cases.deviations, cases, 1)

    def _case_codes(self, cases: pa.DictionaryArray) -> npt.NDArray[np.int64]:
        known = self.case_ids
        names = cases.dictionary.to_pylist()
        found = list(map(known.get, names))
        if None in found:
            for index, code in enumerate(found):
                if code is None:
                    found[index] = known[names[index]] = len(known)
        codes = np.array(found, dtype=np.int64)
        result: npt.NDArray[np.int64] = codes[integers(cases.indices)]
        return result

    def _activity_codes(self, activities: pa.DictionaryArray) -> npt.NDArray[np.int64]:
        """Journey codes; an unknown activity ``k`` gets ``-1 - k``."""
        journey = self.moves.codes
        unknown = self.unknown_names
        codes = np.array(
            [
                journey[name] if name in journey else -1 - unknown.setdefault(name, len(unknown))
                for name in activities.dictionary.to_pylist()
            ],
            dtype=np.int64,
        )
        result: npt.NDArray[np.int64] = codes[integers(activities.indices)]
        return result

    def _allowed(self, resources: pa.DictionaryArray) -> npt.NDArray[np.bool_]:
        """``table[r, p, a]``: may resource ``r`` of this batch record activity
        ``a`` for a case at ``p``? The last row (-1) is an event with no resource."""
        table = self.moves.allowed([*resources.dictionary.to_pylist(), None])
        return table

    def _resource_codes(
        self, resources: pa.DictionaryArray | None, order: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.int64]:
        assert resources is not None
        names = self.resource_names
        local = [names.setdefault(name, len(names)) for name in resources.dictionary.to_pylist()]
        codes = np.array([*local, -1], dtype=np.int64)
        result: npt.NDArray[np.int64] = codes[_rows(resources)[order]]
        return result

    # -- figures --------------------------------------------------------------

    @property
    def cases(self) -> int:
        """How many cases the log holds."""
        return len(self.case_ids)

    @property
    def as_of(self) -> int:
        """The moment open cases are judged at, in seconds from the log's first timestamp."""
        if self.as_of_micros is None:
            return self._latest
        return (self.as_of_micros - (self._base or 0)) // _MICROS

    def _slice(self) -> _Cases:
        n = self.cases
        s = self._cases
        return _Cases(
            s.position[:n], s.events[:n], s.deviations[:n], s.first[:n], s.last[:n], s.stage_first[:n]
        )

    def _open(self) -> npt.NDArray[np.bool_]:
        """Which cases are not at an exit."""
        result: npt.NDArray[np.bool_] = ~self.moves.ends[self._slice().position]
        return result

    def _too_long(self) -> npt.NDArray[np.bool_]:
        age = self.as_of - self._slice().first.astype(np.int64)
        result: npt.NDArray[np.bool_] = self._open() & (age > self.open_limit.total_seconds())
        return result

    def deviation_counts(self) -> dict[str, int]:
        """How many deviations of each kind, every kind listed."""
        kinds = np.concatenate(self._kinds) if self._kinds else np.zeros(0, dtype=np.int8)
        counted = np.bincount(kinds, minlength=len(_KINDS))
        result = {kind.value: int(counted[code]) for code, kind in enumerate(_KINDS)}
        result[DeviationKind.OPEN_TOO_LONG.value] = int(self._too_long().sum())
        return result

    @property
    def fitting_cases(self) -> int:
        """Cases replayed without any deviation."""
        return int(((self._slice().deviations == 0) & ~self._too_long()).sum())

    @property
    def fitness(self) -> float:
        """The share of cases that fit the journey (1.0 for an empty log)."""
        return self.fitting_cases / self.cases if self.cases else 1.0

    @property
    def event_fitness(self) -> float:
        """The share of events replayed without a deviation."""
        if not self.events:
            return 1.0
        if not self._kinds:
            return 1.0
        # A position (line or event number) is one event's alone.
        deviating = len(np.unique(np.concatenate(self._where)))
        return 1 - deviating / self.events

    def conversion(self) -> list[StageStep]:
        """Stage-to-stage conversion and time, identification to completion."""
        first = self._slice().stage_first
        reached = first != _NEVER
        result = []
        for k in range(len(STAGES) - 1):
            both = reached[:, k] & reached[:, k + 1]
            days = (first[both, k + 1] - first[both, k]) / _DAY
            median = float(np.median(days)) if len(days) else None
            p90 = float(np.percentile(days, 90)) if len(days) else None
            result.append(
                StageStep(
                    STAGES[k].value,
                    STAGES[k + 1].value,
                    int(reached[:, k].sum()),
                    int(both.sum()),
                    median,
                    p90,
                )
            )
        return result

    def reached(self) -> dict[str, int]:
        """How many cases reached each stage."""
        reached = self._slice().stage_first != _NEVER
        return {stage.value: int(reached[:, k].sum()) for k, stage in enumerate(STAGES)}

    def stalls(self) -> list[Stall]:
        """Where open cases stand, the most crowded step first."""
        state = self._slice()
        open_ = self._open()
        positions = state.position[open_]
        idle = (self.as_of - state.last[open_].astype(np.int64)) / _DAY
        result = []
        for code in np.unique(positions):
            here = positions == code
            result.append(Stall(self.moves.name(int(code)), int(here.sum()), float(np.median(idle[here]))))
        return sorted(result, key=lambda stall: (-stall.cases, stall.activity))

    def deviations(self) -> list[Deviation]:
        """Every deviation, by case in order of first appearance, then by place in the log."""
        names = list(self.case_ids)
        found: list[tuple[int, int, Deviation]] = []
        if self._kinds:
            kinds = np.concatenate(self._kinds)
            cases = np.concatenate(self._case_of)
            where = np.concatenate(self._where)
            activities = np.concatenate(self._activity)
            origins = np.concatenate(self._origin)
            resources = np.concatenate(self._resource)
            unknown = list(self.unknown_names)
            people = list(self.resource_names)
            for i in np.lexsort((where, cases)):
                kind = _KINDS[kinds[i]]
                activity = int(activities[i])
                name = self.moves.name(activity) if activity >= 0 else unknown[-1 - activity]
                detail = self._detail(
                    kind, activity, name, int(origins[i]), people[resources[i]] if resources[i] >= 0 else ""
                )
                found.append(
                    (
                        int(cases[i]),
                        int(where[i]),
                        Deviation(names[cases[i]], kind, f"{self.unit} {where[i]}", name, detail),
                    )
                )
        state = self._slice()
        limit = _days(self.open_limit)
        for case in np.flatnonzero(self._too_long()):
            age = (self.as_of - int(state.first[case])) / _DAY
            at = self.moves.name(int(state.position[case]))
            detail = f"open {age:.1f} days after its first event (limit {limit}), last at {at}"
            deviation = Deviation(names[case], DeviationKind.OPEN_TOO_LONG, "", at, detail)
            found.append((int(case), sys.maxsize, deviation))  # after the case's events
        found.sort(key=lambda item: (item[0], item[1]))
        return [deviation for _, _, deviation in found]

    def _detail(self, kind: DeviationKind, activity: int, name: str, origin: int, resource: str) -> str:
        moves = self.moves
        if kind is DeviationKind.UNKNOWN_ACTIVITY:
            hint = did_you_mean(name, moves.names)
            return f"not a step or exit of journey {moves.journey_id}" + (f" ({hint})" if hint else "")
        if kind is DeviationKind.SKIPPED_STEP:
            skipped = moves.skipped(origin, activity)
            return f"skipped {', '.join(skipped)} (from {moves.name(origin)})"
        if kind is DeviationKind.OUT_OF_ORDER:
            if moves.ends[origin]:
                return f"after the case ended at {moves.name(origin)}"
            return f"cannot follow {moves.name(origin)}"
        who = moves.movers(origin, activity) or []
        owner = moves.owner(activity)
        if owner is not None and who == [owner]:
            return f"{resource} does not act for {owner}, the owner of {name}"
        return f"{resource} does not act for {' or '.join(who)}, who may move a case to {name}"

    def case_table(self) -> list[dict[str, Any]]:
        """Per case: id, events, fit, and its deviations (JSON-ready)."""
        by_case: dict[str, list[Deviation]] = {}
        for deviation in self.deviations():
            by_case.setdefault(deviation.case, []).append(deviation)
        state = self._slice()
        ends = self.moves.ends
        rows = []
        for code, case in enumerate(self.case_ids):
            found = by_case.get(case, [])
            rows.append(
                {
                    "case": case,
                    "events": int(state.events[code]),
                    "status": "closed" if ends[state.position[code]] else "open",
                    "at": self.moves.name(int(state.position[code])),
                    "fit": not found,
                    "deviations": [
                        {"kind": d.kind.value, "where": d.where, "activity": d.activity, "detail": d.detail}
                        for d in found
                    ],
                }
            )
        return rows

    def summary(self) -> str:
        """One line: cases, events, fitness."""
        return (
            f"{count(self.cases, 'case')}, {count(self.events, 'event')}: "
            f"{self.fitting_cases} fit the journey (fitness {self.fitness:.3f})"
        )


_SPAN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(h|hours?|d|days?|w|weeks?)\s*$", re.IGNORECASE)
_SPAN_UNITS = {"h": dt.timedelta(hours=1), "d": dt.timedelta(days=1), "w": dt.timedelta(weeks=1)}


def parse_span(text: str) -> dt.timedelta:
    """A time span written ``30d``, ``30 days``, ``12h`` or ``2 weeks``.

    Raises
    ------
    ValueError
        When ``text`` is not such a span.

    Examples
    --------
    >>> parse_span("30 days")
    datetime.timedelta(days=30)
    >>> parse_span("12h")
    datetime.timedelta(seconds=43200)
    """
    found = _SPAN.match(text)
    if found is None:
        raise ValueError(f"{text!r} is not a time span (write e.g. 30d, 30 days, 12h or 2 weeks)")
    return float(found.group(1)) * _SPAN_UNITS[found.group(2)[0].lower()]


def _rows(values: pa.DictionaryArray) -> npt.NDArray[np.int64]:
    """Dictionary codes, -1 where null."""
    return integers(values.indices).astype(np.int64)


def _days(span: dt.timedelta) -> str:
    days = span / dt.timedelta(days=1)
    return count(int(days), "day") if days == int(days) else f"{days:g} days"


def replay(
    workflow: Workflow,
    journey_id: str,
    batches: Iterable[EventBatch],
    *,
    open_limit: dt.timedelta = DEFAULT_OPEN_LIMIT,
    as_of: dt.datetime | None = None,
    unit: str = "line",
    progress: Callable[[int], None] | None = None,
) -> Conformance:
    """Replay a stream of event batches against ``workflow``'s journey ``journey_id``.

    Parameters
    ----------
    workflow
        A loaded workflow.
    journey_id
        The journey the log's cases should follow.
    batches
        The log, e.g. an :class:`~lifecycle.interchange.event_log.EventLogReader`.
    open_limit
        A case not at an exit this long after its first event is ``open-too-long``.
    as_of
        When open cases are judged; by default the log's latest timestamp, so a
        replay gives the same answer whenever it is run.
    unit
        What the log's positions count (``line`` or ``event``), for messages.
    progress
        Called after each batch with the number of events replayed so far.

    Returns
    -------
    Conformance

    Raises
    ------
    LifecycleError
        When the workflow has no such journey.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from lifecycle import load
    >>> from lifecycle.interchange.event_log import EventLogReader
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "events.csv"
    >>> _ = path.write_text(
    ...     "case,activity,timestamp\\n"
    ...     "REF-1,plan-identifies,2026-03-02T09:00:00Z\\n"
    ...     "REF-1,cbo-receives,2026-03-03T10:00:00Z\\n"
    ...     "REF-2,cbo-receives,2026-03-03T11:00:00Z\\n")
    >>> doc = load("workflows/payer-cbo-partnership.yaml")
    >>> result = replay(doc.workflow, "member", EventLogReader(str(path)))
    >>> result.cases, result.fitness, result.deviation_counts()["skipped-step"]
    (2, 0.5, 1)
    """
    moves = JourneyMoves.of(workflow, journey_id)
    stamp = None
    if as_of is not None:
        moment = as_of if as_of.tzinfo else as_of.replace(tzinfo=dt.UTC)
        stamp = (moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)
    result = Conformance(moves, open_limit, stamp, unit=unit)
    for batch in batches:
        result.feed(batch)
        if progress is not None:
            progress(result.events)
    return result
