"""A FHIR Bundle of referral Tasks read as journey events.

A FHIR R4 Task has no status history element of its own: its history is its
versions. A ``history`` Bundle (``GET Task/123/_history``), or any Bundle that
holds several versions of the same Task (each with ``meta.versionId`` and
``meta.lastUpdated``), is read here as a log of events: one case per Task, one
event each time its status changed, the activity being the ``Task.status``
code itself (``draft``, ``requested``, ... ``entered-in-error``), so the log
replays against a journey whose steps and exits are those codes. A Bundle with
one version per Task gives each Task's current status.

Who made a change is read from Provenance resources in the Bundle that target
the Task version (``Provenance.agent.who``); where none does, from
``Task.requester`` or ``Task.owner`` if the caller asks, else it is not
recorded. The mapping is tabled in ``docs/conformance.md``.

Each resource is validated with the R4B models of ``fhir.resources`` (R4B is
R4 with fixes; Task and Provenance are the same in both, and the library ships
no plain R4 models), installed by the optional extra ``lifecycle[fhir]``. An
invalid Task or Provenance is reported with its Bundle entry index and the
path of the fault inside the resource, then skipped or refused as the caller
chooses, like a malformed row of a CSV log.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lifecycle.interchange.event_log import (
    BAD_ROWS_KEPT,
    BadRow,
    EventBatch,
    EventLogError,
    OnBadRow,
)
from lifecycle.interchange.history import LogEvent
from lifecycle.words import count

__all__ = [
    "MAX_BUNDLE_BYTES",
    "TASK_STATUSES",
    "CaseKey",
    "FhirTaskOptions",
    "FhirTaskReader",
    "TimeSource",
    "WhoFallback",
    "fhir_task_options",
]

TASK_STATUSES = (
    "draft",
    "requested",
    "received",
    "accepted",
    "rejected",
    "ready",
    "cancelled",
    "in-progress",
    "on-hold",
    "failed",
    "completed",
    "entered-in-error",
)
"""The codes of FHIR R4 TaskStatus (a required binding of ``Task.status``)."""

MAX_BUNDLE_BYTES = 256 << 20
"""The largest Bundle read: a Bundle is one JSON document, parsed whole, and
its Python objects take some ten times its size."""

CaseKey = Literal["id", "identifier"]
TimeSource = Literal["lastUpdated", "lastModified"]
WhoFallback = Literal["none", "requester", "owner"]

_BATCH_EVENTS = 50_000
_REFERENCE = re.compile(r"(?:^|/)Task/([A-Za-z0-9\-.]{1,64})(?:/_history/([A-Za-z0-9\-.]{1,64}))?$")
_INSTALL = "pip install 'lifecycle[fhir]'"


@dataclass(frozen=True)
class FhirTaskOptions:
    """How Task resources become events.

    Attributes
    ----------
    case
        ``id``: a case is a Task's logical id; ``identifier``: its first
        business identifier (``system|value``), for Bundles gathered from
        several servers. Either falls back on the other when missing.
    time
        ``lastUpdated``: when the server stored the version (``meta``);
        ``lastModified``: the Task's own last-modified time. Either falls back
        on the other when missing.
    who
        Who made a change when no Provenance in the Bundle says: nobody
        (``none``), the Task's ``requester`` or its ``owner``.
    """

    case: CaseKey = "id"
    time: TimeSource = "lastUpdated"
    who: WhoFallback = "none"


def fhir_task_options(case: str, time: str, who: str) -> FhirTaskOptions:
    """:class:`FhirTaskOptions` from their names, as a command line gives them.

    Raises
    ------
    ValueError
        When a name is not one of the option's choices.
    """
    choices: dict[str, tuple[str, ...]] = {
        "case": ("id", "identifier"),
        "time": ("lastUpdated", "lastModified"),
        "who": ("none", "requester", "owner"),
    }
    for name, value in (("case", case), ("time", time), ("who", who)):
        if value not in choices[name]:
            raise ValueError(f"FHIR {name} {value!r}: expected one of {', '.join(choices[name])}")
    return FhirTaskOptions(cast(CaseKey, case), cast(TimeSource, time), cast(WhoFallback, who))


@dataclass(frozen=True)
class _Version:
    """One valid Task version of the Bundle."""

    entry: int
    task_id: str | None
    version: str | None
    full_url: str | None
    case: str
    status: str
    at: dt.datetime
    fallback_who: str | None


@dataclass
class FhirTaskReader:
    """Read a FHIR Bundle of Task versions as events, or stream them as
    :class:`~lifecycle.interchange.event_log.EventBatch` values for a replay.

    Parameters
    ----------
    path
        A ``.json`` file holding one FHIR Bundle.
    options
        How cases, times and resources are read (:class:`FhirTaskOptions`).
    on_bad_row
        ``skip``: report each invalid Task or Provenance in :attr:`bad_rows`
        and go on; ``fail``: raise :class:`EventLogError` at the first one.
    max_bytes
        Refuse a larger file.

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> def task(version, status, at):
    ...     return {"resource": {"resourceType": "Task", "id": "ref-1", "status": status,
    ...         "intent": "order", "meta": {"versionId": version, "lastUpdated": at}}}
    >>> bundle = {"resourceType": "Bundle", "type": "history", "entry": [
    ...     task("2", "accepted", "2026-03-03T10:00:00Z"), task("1", "requested", "2026-03-02T09:00:00Z")]}
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tasks.json"
    >>> _ = path.write_text(json.dumps(bundle))
    >>> [(event.case, event.activity) for event in FhirTaskReader(str(path)).events()]
    [('ref-1', 'requested'), ('ref-1', 'accepted')]
    """

    path: str
    options: FhirTaskOptions = field(default_factory=FhirTaskOptions)
    on_bad_row: OnBadRow = "skip"
    max_bytes: int = MAX_BUNDLE_BYTES
    bad_rows: list[BadRow] = field(default_factory=list, init=False)
    """The invalid resources met (the first :data:`BAD_ROWS_KEPT`)."""
    bad_row_count: int = field(default=0, init=False)
    """How many invalid resources were met."""
    bytes_read: int = field(default=0, init=False)
    """How far into the file the reader is, for a progress bar."""
    unit: str = field(default="entry", init=False)
    """What a position counts: Bundle entries, from 0 as in ``Bundle.entry[0]``."""

    @property
    def total_bytes(self) -> int:
        """The file's size in bytes."""
        return os.stat(self.path).st_size

    def __iter__(self) -> Iterator[EventBatch]:
        events = self._read()
        for start in range(0, len(events), _BATCH_EVENTS):
            yield _batch(events[start : start + _BATCH_EVENTS])

    def events(self) -> list[LogEvent]:
        """Every status change of every Task, oldest first.

        Consecutive versions of a Task with the same status are one event, at
        the first of them: a version that changed only a note is no move.

        Raises
        ------
        EventLogError
            When the file is not a readable FHIR Bundle, when ``fhir.resources``
            is not installed, or at the first invalid resource when
            ``on_bad_row`` is ``fail``.
        """
        return [event for _, event in self._read()]

    def _read(self) -> list[tuple[int, LogEvent]]:
        """The events, each with the index of the entry it comes from."""
        models = _models(self.path)
        entries = self._entries()
        versions: list[_Version] = []
        provenances: list[Any] = []
        for index, resource, full_url in entries:
            kind = resource.get("resourceType")
            if kind == "Task":
                version = self._task(index, resource, full_url, models[0])
                if version is not None:
                    versions.append(version)
            elif kind == "Provenance":
                provenance = self._validated(index, resource, models[1])
                if provenance is not None:
                    provenances.append(provenance)
        self.bad_rows.sort(key=lambda row: row.position)
        self.bytes_read = self.total_bytes
        return _changes(versions, _authors(provenances, versions))

    # -- the file -------------------------------------------------------------

    def _entries(self) -> list[tuple[int, dict[str, Any], str | None]]:
        """The Bundle's entries that hold a resource: index, resource, fullUrl."""
        bundle = self._json()
        if not isinstance(bundle, dict):
            raise EventLogError(f"{self.path}: not a FHIR Bundle: the JSON is not an object")
        kind = bundle.get("resourceType")
        if kind != "Bundle":
            what = f"resourceType {kind!r}" if isinstance(kind, str) else "no resourceType"
            raise EventLogError(f"{self.path}: not a FHIR Bundle: {what}, expected 'Bundle'")
        entries = bundle.get("entry", [])
        if not isinstance(entries, list):
            raise EventLogError(f"{self.path}: Bundle.entry: not a list")
        found = []
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                self._bad(index, "Bundle.entry: not an object")
                continue
            resource = entry.get("resource")
            if resource is None:
                continue  # a deleted version in a history Bundle: no status
            if not isinstance(resource, dict):
                self._bad(index, "Bundle.entry.resource: not an object")
                continue
            full_url = entry.get("fullUrl")
            found.append((index, resource, full_url if isinstance(full_url, str) else None))
        return found

    def _json(self) -> object:
        try:
            size = self.total_bytes
        except FileNotFoundError:
            raise EventLogError(f"{self.path}: no such file") from None
        except OSError as exc:
            raise EventLogError(f"{self.path}: cannot read file: {exc.strerror or exc}") from None
        if size > self.max_bytes:
            raise EventLogError(
                f"{self.path}: {size:,} bytes, more than the {self.max_bytes:,} a FHIR Bundle may have "
                "here; split it, or convert pages of it"
            )
        try:
            with open(self.path, "rb") as handle:
                data = handle.read()
        except IsADirectoryError:
            raise EventLogError(f"{self.path}: is a directory, not a FHIR Bundle") from None
        except OSError as exc:
            raise EventLogError(f"{self.path}: cannot read file: {exc.strerror or exc}") from None
        try:
            return json.loads(data)
        except json.JSONDecodeError as exc:
            raise EventLogError(f"{self.path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
        except UnicodeDecodeError:
            raise EventLogError(f"{self.path}: not JSON: not UTF-8 text") from None
        except RecursionError:
            raise EventLogError(f"{self.path}: not a FHIR Bundle: JSON nested too deeply") from None

    # -- resources ------------------------------------------------------------

    def _bad(self, index: int, message: str) -> None:
        row = BadRow(self.unit, index, message)
        if self.on_bad_row == "fail":
            raise EventLogError(
                f"{self.path}: {row} (pass --on-bad-row skip to report invalid resources and go on)"
            )
        self.bad_row_count += 1
        if len(self.bad_rows) < BAD_ROWS_KEPT:
            self.bad_rows.append(row)

    def _validated(self, index: int, resource: dict[str, Any], model: Any) -> Any:
        """The resource as a fhir.resources model, or None (reported) when invalid."""
        kind = resource["resourceType"]
        try:
            return model.model_validate(resource)
        except RecursionError:
            self._bad(index, f"{kind}: nested too deeply")
        except (ValueError, TypeError) as exc:  # pydantic's ValidationError is a ValueError
            self._bad(index, _first_error(kind, exc))
        return None

    def _task(
        self, index: int, resource: dict[str, Any], full_url: str | None, model: Any
    ) -> _Version | None:
        task = self._validated(index, resource, model)
        if task is None:
            return None
        if task.status is None:
            self._bad(index, "Task.status: missing")
            return None
        if task.status not in TASK_STATUSES:
            self._bad(
                index, f"Task.status: {task.status!r} is not a FHIR Task status ({', '.join(TASK_STATUSES)})"
            )
            return None
        case = _case(task, self.options.case)
        if case is None:
            self._bad(index, "Task.id: missing, and no Task.identifier with a value")
            return None
        at, problem = _moment(task, self.options.time)
        if at is None:
            self._bad(index, problem)
            return None
        meta = task.meta
        return _Version(
            entry=index,
            task_id=task.id,
            version=meta.versionId if meta is not None else None,
            full_url=full_url,
            case=case,
            status=task.status,
            at=at,
            fallback_who=_who(getattr(task, self.options.who, None)) if self.options.who != "none" else None,
        )


def _models(path: str) -> tuple[Any, Any]:
    """The Task and Provenance models of fhir.resources (R4B)."""
    try:
        from fhir.resources.R4B.provenance import Provenance
        from fhir.resources.R4B.task import Task
    except ImportError:
        raise EventLogError(
            f"{path}: reading a FHIR Bundle needs the fhir.resources library: {_INSTALL}"
        ) from None
    return Task, Provenance


def _first_error(kind: str, exc: ValueError | TypeError) -> str:
    """``Task.for.reference: Input should be a valid string`` (and how many more)."""
    errors: Sequence[dict[str, Any]] = exc.errors() if hasattr(exc, "errors") else []
    if not errors:
        return f"{kind}: {exc}"
    first = errors[0]
    path = kind
    for part in first.get("loc", ()):
        path += (
            f"[{part}]"
            if isinstance(part, int)
            else f".{'resourceType' if part == 'resource_type' else part}"
        )
    message = " ".join(str(first.get("msg", "invalid")).split())
    more = f" (and {count(len(errors) - 1, 'more fault')})" if len(errors) > 1 else ""
    return f"{path}: {message}{more}"


def _case(task: Any, key: CaseKey) -> str | None:
    identifier = next((i for i in task.identifier or () if i.value), None)
    business = None
    if identifier is not None:
        business = f"{identifier.system}|{identifier.value}" if identifier.system else identifier.value
    first, second = (task.id, business) if key == "id" else (business, task.id)
    return first or second or None


def _moment(task: Any, source: TimeSource) -> tuple[dt.datetime | None, str]:
    """The version's time, or None and what is wrong."""
    updated = task.meta.lastUpdated if task.meta is not None else None
    modified = task.lastModified
    order = (updated, modified) if source == "lastUpdated" else (modified, updated)
    for value in order:
        if isinstance(value, dt.datetime):
            return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)), ""
    if isinstance(modified, str | dt.date) and not isinstance(modified, dt.datetime):
        return (
            None,
            f"Task.lastModified: {str(modified)!r} has no time of day, and Task.meta.lastUpdated is missing",
        )
    return None, "Task.meta.lastUpdated: missing, and no Task.lastModified"


def _who(reference: Any) -> str | None:
    """A Reference as a resource name: the referenced resource's logical id
    (``PractitionerRole/cbo-navigator`` -> ``cbo-navigator``), else its
    identifier's value, else its display text."""
    if reference is None:
        return None
    if reference.reference:
        target = str(reference.reference).split("/_history/")[0].rstrip("/")
        return target.rpartition("/")[2] or None
    if reference.identifier is not None and reference.identifier.value:
        return str(reference.identifier.value)
    return str(reference.display) if reference.display else None


def _authors(provenances: list[Any], versions: list[_Version]) -> dict[int, str]:
    """Who made each Task version (by entry index), as its Provenance says.

    A Provenance names a version by a versioned reference (``Task/1/_history/2``),
    by the entry's ``fullUrl``, or by an unversioned one (``Task/1``) together
    with ``recorded`` equal to the version's time.
    """
    by_version = {(v.task_id, v.version): v for v in versions if v.task_id and v.version}
    by_url = {v.full_url: v for v in versions if v.full_url}
    by_time = {(v.task_id, v.at): v for v in versions if v.task_id}
    found: dict[int, str] = {}
    for provenance in provenances:
        who = next((name for agent in provenance.agent or () if (name := _who(agent.who))), None)
        if who is None:
            continue
        recorded = provenance.recorded
        for target in provenance.target or ():
            reference = str(target.reference or "")
            version = by_url.get(reference)
            matched = _REFERENCE.search(reference)
            if version is None and matched is not None:
                task_id, number = matched.groups()
                if number is not None:
                    version = by_version.get((task_id, number))
                elif isinstance(recorded, dt.datetime):
                    version = by_time.get((task_id, recorded))
            if version is not None:
                found.setdefault(version.entry, who)
    return found


def _changes(versions: list[_Version], authors: dict[int, str]) -> list[tuple[int, LogEvent]]:
    """One event per status change of each case, oldest first."""

    def order(version: _Version) -> tuple[str, dt.datetime, int, str, int]:
        number = version.version or ""
        return (version.case, version.at, int(number) if number.isdigit() else -1, number, version.entry)

    events: list[tuple[dt.datetime, int, LogEvent]] = []
    seen: set[tuple[str, str]] = set()
    previous: _Version | None = None
    for version in sorted(versions, key=order):
        if version.version is not None:
            if (version.case, version.version) in seen:
                continue  # the same version listed twice
            seen.add((version.case, version.version))
        if previous is not None and previous.case == version.case and previous.status == version.status:
            continue
        previous = version
        who = authors.get(version.entry) or version.fallback_who or ""
        event = LogEvent(version.case, version.status, version.at, who, "complete")
        events.append((version.at, version.entry, event))
    events.sort(key=lambda item: (item[0], item[1]))
    return [(entry, event) for _, entry, event in events]


def _batch(entries: list[tuple[int, LogEvent]]) -> EventBatch:
    """Events as the columns a replay reads."""
    events = [event for _, event in entries]
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    micros = [(e.timestamp - epoch) // dt.timedelta(microseconds=1) for e in events]
    resources = [e.resource or None for e in events]
    return EventBatch(
        pc.dictionary_encode(pa.array([e.case for e in events], pa.string())),
        pc.dictionary_encode(pa.array([e.activity for e in events], pa.string())),
        np.asarray(micros, dtype=np.int64),
        pc.dictionary_encode(pa.array(resources, pa.string())) if any(resources) else None,
        np.asarray([entry for entry, _ in entries], dtype=np.int64),
    )
