"""Reading event logs of real referrals, CSV or XES, in columnar batches.

A log is a list of events, each with a case id, an activity, a timestamp and
optionally a resource (who did it). :class:`EventLogReader` streams the file in
batches of Arrow arrays, so a log of millions of events is never held whole:
CSV through pyarrow's streaming reader, XES (IEEE 1849) through an incremental
XML parse.

Rows that cannot be events (a missing case id or activity, a timestamp that is
not ISO 8601, more or fewer fields than the header) are malformed. Each is
reported with its line (CSV) or its event number (XES) and skipped, or the
whole log is refused at the first one, as the caller chooses.
"""

from __future__ import annotations

import bz2
import csv
import datetime as dt
import gzip
import os
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import IO, Literal, cast

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from lifecycle.diagnostics import LifecycleError
from lifecycle.interchange.arrow_numpy import flags, integers, mask
from lifecycle.words import count, did_you_mean

__all__ = [
    "BAD_ROWS_KEPT",
    "BadRow",
    "EventBatch",
    "EventLogError",
    "EventLogReader",
    "LogColumns",
    "OnBadRow",
]

OnBadRow = Literal["skip", "fail"]

BAD_ROWS_KEPT = 10_000
"""Malformed rows kept with their message; beyond this only the count grows."""

_UTC = pa.timestamp("us", tz="UTC")
_IDS = pa.dictionary(pa.int32(), pa.string())
_NAIVE = pa.timestamp("us")
# Batches of about 20,000 events: per-batch work amortized, yet small, since Arrow's
# streaming reader holds some 25 blocks at once (about 25 MB here).
_BATCH_BYTES = 1 << 20
_XES_BATCH_EVENTS = 50_000
_MISSING = [""]
"""The CSV fields read as missing: only empty ones. Arrow's default list would
also take ``NA``, ``null``, ``N/A`` and the like, a case, activity or person
that may be named so, for missing."""


class _Careful(Exception):
    """The fast CSV path met a row it cannot take."""


class EventLogError(LifecycleError):
    """An event log cannot be read: no such file, a missing column, or a
    malformed row when malformed rows are refused."""


@dataclass(frozen=True)
class LogColumns:
    """Which CSV columns hold the case id, activity, timestamp and resource.

    ``resource`` None means: the column ``resource`` when the file has one,
    else no resources (and no role checks).
    """

    case: str = "case"
    activity: str = "activity"
    timestamp: str = "timestamp"
    resource: str | None = None


@dataclass(frozen=True)
class BadRow:
    """A malformed row: where it is (``line 17``, ``event 5``) and what is wrong."""

    unit: str
    position: int
    message: str

    @property
    def where(self) -> str:
        """``line 17`` or ``event 5``."""
        return f"{self.unit} {self.position}"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class EventBatch:
    """Consecutive well-formed events of a log, column by column."""

    cases: pa.DictionaryArray
    """Case ids."""
    activities: pa.DictionaryArray
    """Activity names."""
    timestamps: npt.NDArray[np.int64]
    """Microseconds since 1970-01-01 UTC (timestamps without an offset are taken as UTC)."""
    resources: pa.DictionaryArray | None
    """Who did each event (null where not recorded), or None when the log has none."""
    positions: npt.NDArray[np.int64]
    """Each event's line in a CSV file, or its number (from 1) in an XES file."""

    def __len__(self) -> int:
        return len(self.timestamps)


@dataclass
class EventLogReader:
    """Stream the events of a CSV or XES file as :class:`EventBatch` values.

    Parameters
    ----------
    path
        A ``.csv`` or ``.xes`` file, optionally compressed (``.gz``, ``.bz2``).
    columns
        The CSV columns to read (XES files use the standard ``concept:name``,
        ``time:timestamp`` and ``org:resource`` keys).
    on_bad_row
        ``skip``: report each malformed row in :attr:`bad_rows` and go on;
        ``fail``: raise :class:`EventLogError` at the first one.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "events.csv"
    >>> _ = path.write_text(
    ...     "case,activity,timestamp\\n"
    ...     "REF-1,plan-identifies,2026-03-02T09:00:00Z\\n"
    ...     "REF-1,cbo-receives,2026-03-03T10:00:00Z\\n")
    >>> sum(len(batch) for batch in EventLogReader(str(path)))
    2
    """

    path: str
    columns: LogColumns = field(default_factory=LogColumns)
    on_bad_row: OnBadRow = "skip"
    batch_bytes: int = _BATCH_BYTES
    format: Literal["csv", "xes"] | None = None
    """How to read the file; None: by its name (``.xes``, else CSV)."""
    bad_rows: list[BadRow] = field(default_factory=list, init=False)
    """The malformed rows met so far (the first :data:`BAD_ROWS_KEPT`)."""
    bad_row_count: int = field(default=0, init=False)
    """How many malformed rows were met so far."""
    bytes_read: int = field(default=0, init=False)
    """How far into the file the reader is, for a progress bar."""
    _pending: list[BadRow] = field(default_factory=list, init=False, repr=False)
    _reached: int = field(default=0, init=False, repr=False)

    @property
    def total_bytes(self) -> int:
        """The file's size in bytes."""
        return os.stat(self.path).st_size

    @property
    def unit(self) -> str:
        """What a position counts: ``line`` (CSV) or ``event`` (XES)."""
        return "event" if self._is_xes else "line"

    @property
    def _is_xes(self) -> bool:
        if self.format is not None:
            return self.format == "xes"
        return self.path.lower().removesuffix(".gz").removesuffix(".bz2").endswith(".xes")

    def __iter__(self) -> Iterator[EventBatch]:
        try:
            handle = open(self.path, "rb")  # noqa: SIM115 - closed below, after the generator ends
        except IsADirectoryError:
            raise EventLogError(f"{self.path}: is a directory, not an event log") from None
        except FileNotFoundError:
            raise EventLogError(f"{self.path}: no such file") from None
        except OSError as exc:
            raise EventLogError(f"{self.path}: cannot read file: {exc.strerror or exc}") from None
        with handle:
            batches = self._xes(handle) if self._is_xes else self._csv(handle)
            while True:
                try:
                    batch = next(batches)
                except StopIteration:
                    break
                except (OSError, EOFError, zlib.error) as exc:  # a damaged compressed file
                    raise EventLogError(f"{self.path}: cannot read file: {exc}") from None
                self._settle(self._reached)
                self.bytes_read = handle.tell()
                if len(batch):
                    yield batch
            self._settle()
            self.bytes_read = self.total_bytes

    # -- malformed rows -------------------------------------------------------

    def _bad(self, position: int, message: str) -> None:
        self._pending.append(BadRow(self.unit, position, message))

    def _settle(self, upto: int | None = None) -> None:
        """Report the malformed rows up to position ``upto`` (all when None), in
        file order; the parser may have met later ones while reading ahead."""
        if not self._pending:
            return
        self._pending.sort(key=lambda row: row.position)
        ready = [row for row in self._pending if upto is None or row.position <= upto]
        if not ready:
            return
        if self.on_bad_row == "fail":
            raise EventLogError(
                f"{self.path}: {ready[0]} (pass --on-bad-row skip to report malformed rows and go on)"
            )
        self.bad_row_count += len(ready)
        self.bad_rows.extend(ready[: max(0, BAD_ROWS_KEPT - len(self.bad_rows))])
        del self._pending[: len(ready)]

    def _checked(
        self,
        cases: pa.Array,
        activities: pa.Array,
        stamps: pa.Array,
        resources: pa.Array | None,
        positions: npt.NDArray[np.int64],
    ) -> EventBatch:
        """The well-formed events among these rows; the others reported as bad.

        ``stamps`` are timestamps already, or strings to parse here.
        """
        if len(positions):
            self._reached = int(positions[-1])
        keep = np.ones(len(positions), dtype=bool)
        missing = {
            "case id": _nulls(cases),
            "activity": _nulls(activities),
            "timestamp": _nulls(stamps),
        }
        if any(absent.any() for absent in missing.values()):
            blank = missing["case id"] & missing["activity"] & missing["timestamp"]
            if resources is not None:
                blank &= _nulls(resources)
            keep &= ~blank  # a blank line is not an event, and not an error
            for what, absent in missing.items():
                for index in np.flatnonzero(absent & keep):
                    self._bad(int(positions[index]), f"missing {what}")
                keep &= ~absent
        if not keep.all():
            kept = mask(keep)
            cases, activities, stamps = cases.filter(kept), activities.filter(kept), stamps.filter(kept)
            resources = resources.filter(kept) if resources is not None else None
            positions = positions[keep]
        if pa.types.is_timestamp(stamps.type):
            micros = integers(stamps.cast(_UTC))
        else:
            micros, good = _parse_timestamps(stamps)
            if not good.all():
                for index in np.flatnonzero(~good):
                    value = stamps[index].as_py()
                    self._bad(int(positions[index]), f"bad timestamp {value!r} (use ISO 8601)")
                kept = mask(good)
                cases, activities = cases.filter(kept), activities.filter(kept)
                resources = resources.filter(kept) if resources is not None else None
                micros, positions = micros[good], positions[good]
        return EventBatch(
            _encoded(cases),
            _encoded(activities),
            micros.astype(np.int64, copy=False),
            _encoded(resources) if resources is not None else None,
            positions,
        )

    # -- CSV ------------------------------------------------------------------

    def _csv(self, handle: IO[bytes]) -> Iterator[EventBatch]:
        names = self._header()
        resource = self.columns.resource
        if resource is None and "resource" in names:
            resource = "resource"
        wanted = [self.columns.case, self.columns.activity, self.columns.timestamp]
        if resource is not None:
            wanted.append(resource)
        for name in wanted:
            if name not in names:
                hint = did_you_mean(name, names)
                raise EventLogError(
                    f"{self.path}: line 1: no column {name!r}; the header has {', '.join(map(repr, names))}"
                    + (f" ({hint})" if hint else " (name the columns with --case-column and the like)")
                )
        columns = (self.columns.case, self.columns.activity, self.columns.timestamp, resource)
        # The fast path lets Arrow dictionary-encode the ids and parse timestamps
        # with a UTC offset as it reads. At the first piece it cannot take (a bad
        # timestamp, a wrong number of fields, no offset) the careful path takes
        # over from that piece's first row, every row checked.
        emitted = 0
        try:
            for batch in self._fast_batches(handle, names, wanted):
                yield self._csv_events(batch, columns, np.arange(emitted, emitted + batch.num_rows) + 2)
                emitted += batch.num_rows
            return
        except _Careful:
            pass
        # Lines the parser skips (wrong number of fields) shift the rows after
        # them; their line numbers let every row find its own line again.
        skipped: list[int] = []
        for batch in self._csv_batches(handle, wanted, skip=emitted, skipped=skipped):
            ordinals = np.arange(emitted, emitted + batch.num_rows, dtype=np.int64)
            # Skipped line i (sorted) sits before emitted row L_i - i - 2 (header on line 1).
            before = np.asarray(skipped, dtype=np.int64) - np.arange(len(skipped), dtype=np.int64) - 2
            lines = ordinals + 2 + np.searchsorted(before, ordinals, side="right")
            emitted += batch.num_rows
            yield self._csv_events(batch, columns, lines)

    def _csv_events(
        self, batch: pa.RecordBatch, columns: tuple[str, str, str, str | None], lines: npt.NDArray[np.int64]
    ) -> EventBatch:
        case, activity, timestamp, resource = columns
        return self._checked(
            batch.column(case),
            batch.column(activity),
            batch.column(timestamp),
            batch.column(resource) if resource is not None else None,
            lines,
        )

    def _fast_batches(
        self, handle: IO[bytes], names: list[str], wanted: list[str]
    ) -> Iterator[pa.RecordBatch]:
        """The CSV's record batches, ids dictionary-encoded and timestamps parsed;
        raise :class:`_Careful` at the first piece Arrow cannot take.

        The file is cut here into pieces of about :attr:`batch_bytes` at line
        ends, and each piece parsed on its own: Arrow's streaming reader reads
        up to 32 blocks ahead of the batch it returns, some 30 MB of buffers for
        blocks of 1 MB.
        """
        types: dict[str, pa.DataType] = {name: _IDS for name in wanted}
        types[self.columns.timestamp] = _UTC

        def parse(piece: bytes) -> pa.Table:
            try:
                return pa_csv.read_csv(
                    pa.py_buffer(piece),
                    memory_pool=_pool(),
                    read_options=pa_csv.ReadOptions(
                        use_threads=False, block_size=len(piece) + 1, column_names=names
                    ),
                    parse_options=pa_csv.ParseOptions(ignore_empty_lines=False),
                    convert_options=pa_csv.ConvertOptions(
                        include_columns=wanted,
                        column_types=types,
                        strings_can_be_null=True,
                        null_values=_MISSING,
                    ),
                )
            except pa.ArrowInvalid:
                raise _Careful from None

        # The next piece is parsed on a second thread (Arrow lets go of the GIL
        # while it parses) as the caller works on this one.
        with ThreadPoolExecutor(max_workers=1) as parser:
            parsed: Future[pa.Table] | None = None
            for piece in self._pieces(handle):
                parsing = parser.submit(parse, piece)
                if parsed is not None:
                    yield from parsed.result().to_batches()
                parsed = parsing
            if parsed is not None:
                yield from parsed.result().to_batches()

    def _pieces(self, handle: IO[bytes]) -> Iterator[bytes]:
        """The CSV's lines after the header, in pieces of about :attr:`batch_bytes`."""
        source = self._decompressed(handle)
        source.readline()  # the header, read by _header
        rest = b""
        while True:
            data = source.read(self.batch_bytes)
            if not data and not rest:
                return
            piece, rest = _whole_lines(rest + data, final=not data)
            if piece:
                yield piece

    def _csv_batches(
        self, handle: IO[bytes], wanted: list[str], *, skip: int, skipped: list[int]
    ) -> Iterator[pa.RecordBatch]:
        """The CSV's record batches after ``skip`` rows, every field a string,
        rows with the wrong number of fields reported and their lines noted in
        ``skipped``."""

        def invalid(row: pa_csv.InvalidRow) -> str:
            line = int(row.number) if row.number is not None else 0
            skipped.append(line)
            fields = count(row.actual_columns, "field")
            self._bad(line, f"has {fields}, the header has {row.expected_columns}")
            return "skip"

        try:
            reader = pa_csv.open_csv(
                self._decompressed(handle),
                memory_pool=_pool(),
                read_options=pa_csv.ReadOptions(
                    use_threads=False, block_size=self.batch_bytes, skip_rows_after_names=skip
                ),
                parse_options=pa_csv.ParseOptions(invalid_row_handler=invalid, ignore_empty_lines=False),
                convert_options=pa_csv.ConvertOptions(
                    include_columns=wanted,
                    column_types=dict.fromkeys(wanted, pa.string()),
                    strings_can_be_null=True,
                    null_values=_MISSING,
                ),
            )
            while True:
                try:
                    yield reader.read_next_batch()
                except StopIteration:
                    return
        except pa.ArrowInvalid as exc:
            raise EventLogError(f"{self.path}: not a readable CSV file: {exc}") from None

    def _decompressed(self, handle: IO[bytes]) -> IO[bytes]:
        """The file's content from its start, decompressed when its name says so."""
        handle.seek(0)
        if self.path.lower().endswith(".gz"):
            return cast(IO[bytes], gzip.GzipFile(fileobj=handle, mode="rb"))
        if self.path.lower().endswith(".bz2"):
            return cast(IO[bytes], bz2.BZ2File(handle, mode="rb"))
        return handle

    def _header(self) -> list[str]:
        try:
            with open(self.path, "rb") as raw:
                first = self._decompressed(raw).readline()
        except (OSError, EOFError) as exc:
            raise EventLogError(f"{self.path}: cannot read file: {exc}") from None
        if not first.strip():
            raise EventLogError(f"{self.path}: line 1: empty file, expected a header line of column names")
        try:
            text = first.decode("utf-8-sig").rstrip("\r\n")
        except UnicodeDecodeError:
            raise EventLogError(f"{self.path}: line 1: not UTF-8 text") from None
        return next(csv.reader([text]))

    # -- XES ------------------------------------------------------------------

    def _xes(self, handle: IO[bytes]) -> Iterator[EventBatch]:
        cases: list[str | None] = []
        activities: list[str | None] = []
        stamps: list[str | None] = []
        resources: list[str | None] = []
        positions: list[int] = []
        number = 0
        trace_start = 0
        root: ET.Element | None = None
        try:
            for event, element in ET.iterparse(self._decompressed(handle), events=("start", "end")):
                tag = element.tag.rpartition("}")[2]
                if event == "start":
                    if root is None:
                        root = element
                    if tag == "trace":
                        trace_start = len(cases)
                elif tag == "event":
                    number += 1
                    values = _attributes(element)
                    element.clear()
                    transition = values.get("lifecycle:transition")
                    if transition is not None and transition.lower() != "complete":
                        continue  # replay counts each activity once, when it completes
                    cases.append(None)  # the trace's case id is known at its end
                    activities.append(values.get("concept:name"))
                    stamps.append(values.get("time:timestamp"))
                    resources.append(values.get("org:resource") or None)  # empty: not recorded, as in CSV
                    positions.append(number)
                elif tag == "trace":
                    case = _attributes(element).get("concept:name") or None
                    cases[trace_start:] = [case] * (len(cases) - trace_start)
                    if root is not None and tag != root.tag:
                        root.remove(element)  # a parsed trace is not kept in memory
                    if len(cases) >= _XES_BATCH_EVENTS:
                        yield self._xes_batch(cases, activities, stamps, resources, positions)
                        cases, activities, stamps, resources, positions = [], [], [], [], []
        except ET.ParseError as exc:
            raise EventLogError(f"{self.path}: not well-formed XES: {exc}") from None
        if cases:
            yield self._xes_batch(cases, activities, stamps, resources, positions)

    def _xes_batch(
        self,
        cases: list[str | None],
        activities: list[str | None],
        stamps: list[str | None],
        resources: list[str | None],
        positions: list[int],
    ) -> EventBatch:
        return self._checked(
            pa.array(cases, pa.string()),
            pa.array(activities, pa.string()),
            pa.array(stamps, pa.string()),
            pa.array(resources, pa.string()),
            np.asarray(positions, dtype=np.int64),
        )


def _attributes(element: ET.Element) -> dict[str, str]:
    """The direct ``key``/``value`` attributes of an XES trace or event."""
    return {
        child.get("key", ""): child.get("value", "")
        for child in element
        if child.tag.rpartition("}")[2] in ("string", "date", "int", "float", "boolean", "id")
    }


def _whole_lines(data: bytes, *, final: bool) -> tuple[bytes, bytes]:
    """``data`` cut after its last line end outside a quoted field: the whole
    lines, and the rest (all of it a line when ``final``).

    In CSV a quote inside a quoted field is doubled, so a line end is outside
    every quoted field where the count of quotes before it is even.
    """
    if final:
        return data, b""
    cut = data.rfind(b"\n") + 1
    while cut and b'"' in data and data.count(b'"', 0, cut) % 2:
        cut = data.rfind(b"\n", 0, cut - 1) + 1
    return data[:cut], data[cut:]


def _pool() -> pa.MemoryPool:
    """jemalloc where the wheel has it: streaming a CSV, it held about half the
    resident memory Arrow's default (mimalloc) held on the same file."""
    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:
        return pa.default_memory_pool()


def _nulls(values: pa.Array) -> npt.NDArray[np.bool_]:
    if values.null_count == 0:
        return np.zeros(len(values), dtype=bool)
    return flags(pc.is_null(values))


def _encoded(values: pa.Array) -> pa.DictionaryArray:
    """Strings as a dictionary array: each distinct value once, and codes."""
    if pa.types.is_dictionary(values.type):
        return values
    return pc.dictionary_encode(values)


def _parse_timestamps(stamps: pa.Array) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Microseconds since the epoch (UTC) and which values parsed.

    The whole column is cast at once when it is uniformly with or without a
    UTC offset; only a batch that mixes them or holds bad values is parsed
    value by value.
    """
    for target in (_UTC, _NAIVE):
        try:
            micros = integers(pc.cast(stamps, target))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
        return micros.astype(np.int64, copy=False), np.ones(len(micros), dtype=bool)
    micros = np.zeros(len(stamps), dtype=np.int64)
    good = np.zeros(len(stamps), dtype=bool)
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    for index, value in enumerate(stamps.to_pylist()):
        try:
            moment = dt.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        micros[index] = (moment - epoch) // dt.timedelta(microseconds=1)
        good[index] = True
    return micros, good
