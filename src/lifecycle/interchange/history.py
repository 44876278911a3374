"""A tracked partnership's history as a process-mining event log.

The tracker's audit trail records every change; process-mining tools (and
:mod:`lifecycle.interchange.conformance`) want events: a case, an activity, a
timestamp, a resource and a lifecycle transition. :func:`history_events` maps
the one to the other, and :func:`events_csv` and :func:`write_xes` write the
events as CSV or as XES (IEEE 1849-2016).

Journey moves are cases of their own (``JOURNEY/MEMBER-KEY``), a partnership's
tasks, evidence, sign-offs and phases are events of the partnership's case, and
each escalation is a case; ``docs/conformance.md`` tables the whole mapping.

Refused attempts and the bookkeeping of ``rebase`` (tasks added to or removed
from a changed workflow) are not events of the process, so they are left out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO
from xml.sax.saxutils import quoteattr

from lifecycle.safe_output import NOT_XML, OutputError
from lifecycle.store.records import AuditRecord

__all__ = ["EVENT_COLUMNS", "LogEvent", "events_csv", "history_events", "write_xes"]

EVENT_COLUMNS = ("case", "activity", "timestamp", "resource", "transition")
"""The columns of an exported event log (the conformance replay's defaults)."""

_TASK_TRANSITIONS = {"start": "start", "done": "complete", "block": "suspend", "waive": "manualskip"}


@dataclass(frozen=True)
class LogEvent:
    """One event of a case."""

    case: str
    activity: str
    timestamp: dt.datetime
    resource: str
    transition: str
    """An XES standard lifecycle transition: start, complete, suspend, manualskip."""


def _event(partnership: str, entry: AuditRecord) -> LogEvent | None:
    family, _, verb = entry.action.partition(".")
    at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=dt.UTC)
    if family == "journey" and entry.to_state:
        return LogEvent(entry.subject, entry.to_state, at, entry.actor, "complete")
    if family == "task" and verb in _TASK_TRANSITIONS:
        return LogEvent(partnership, entry.subject, at, entry.actor, _TASK_TRANSITIONS[verb])
    if family == "artifact":
        return LogEvent(partnership, f"evidence:{entry.subject}", at, entry.actor, "complete")
    if family == "gate":
        return LogEvent(partnership, f"signoff:{entry.subject}", at, entry.actor, "complete")
    if family == "advance" and entry.to_state:
        return LogEvent(partnership, f"phase:{entry.to_state}", at, entry.actor, "complete")
    if family == "escalation" and entry.to_state:
        return LogEvent(entry.subject, entry.to_state, at, entry.actor, "complete")
    return None


def history_events(partnership: str, entries: Iterable[AuditRecord]) -> list[LogEvent]:
    """The events of a partnership's audit trail (oldest first), as the module's table maps them.

    Parameters
    ----------
    partnership
        The partnership's name: the case of its own lifecycle (tasks, gates, phases).
    entries
        Its audit entries, e.g. ``Tracker.audit(name)``.

    Examples
    --------
    >>> import datetime as dt
    >>> from lifecycle.store.records import AuditRecord
    >>> started = AuditRecord(
    ...     id=1, partnership_id=1, at=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), actor="kpark",
    ...     action="task.start", subject="credential-staff", from_state="todo",
    ...     to_state="in-progress", outcome="ok", detail=None, prev_hash=None, hash=None)
    >>> (event,) = history_events("riverside", [started])
    >>> event.case, event.activity, event.resource, event.transition
    ('riverside', 'credential-staff', 'kpark', 'start')
    """
    found = (_event(partnership, entry) for entry in entries if entry.outcome == "ok")
    return [event for event in found if event is not None]


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def events_csv(events: Iterable[LogEvent]) -> str:
    """The events as CSV text with a header row of :data:`EVENT_COLUMNS`.

    Any text is carried exactly, control characters and line breaks included:
    a field holding a line feed, a carriage return, a comma or a quote is quoted.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # Python's minimal quoting quotes only the line terminator's characters, so
    # a lone CR went out bare and every CSV reader took it for a line end: a row
    # holding one is written with every field quoted.
    quoting_all = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(EVENT_COLUMNS)
    for e in events:
        row = (e.case, e.activity, _stamp(e.timestamp), e.resource, e.transition)
        (quoting_all if any("\r" in field for field in row) else writer).writerow(row)
    return buffer.getvalue()


_XES_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <global scope="trace">
    <string key="concept:name" value=""/>
  </global>
  <global scope="event">
    <string key="concept:name" value=""/>
    <date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>
    <string key="lifecycle:transition" value="complete"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <classifier name="Activity and transition" keys="concept:name lifecycle:transition"/>
"""


def _xes_string(key: str, text: str, where: str) -> str:
    """The XES ``<string>`` attribute ``key`` holding ``text``, or an :class:`OutputError`
    naming ``where`` (the text's place in the log) when XML 1.0 cannot carry one of its characters."""
    found = NOT_XML.search(text)
    if found is not None:
        raise OutputError(
            f"cannot write XES: {where} {text!r} holds U+{ord(found.group()):04X},"
            " a character XML 1.0 (so XES) cannot carry even escaped (a CSV event log can)"
        )
    return f'<string key="{key}" value={quoteattr(text)}/>'


def write_xes(events: Iterable[LogEvent], out: IO[str], *, name: str) -> None:
    """Write the events as an XES (IEEE 1849-2016) log: one trace per case, in
    order of each case's first event, its events in time order.

    XES is XML 1.0, which cannot hold most C0 control characters (U+0000 to
    U+001F but tab, line feed and carriage return), surrogates, U+FFFE or
    U+FFFF, not even as character references, and XES has no escape of its own
    for them. Rather than write a file no XES reader (lifecycle's, ProM's,
    pm4py's) accepts, or change the text, a log holding one is refused before
    anything is written. Tab, line feed and carriage return are written as
    character references and read back exactly.

    Parameters
    ----------
    events
        The events, e.g. from :func:`history_events`.
    out
        A text stream to write to.
    name
        The log's ``concept:name`` (the partnership's name).

    Raises
    ------
    OutputError
        When a text holds a character XML 1.0 cannot carry; the message names the
        case, the event (its number in the case, in time order) and the attribute.
    """
    traces: dict[str, list[LogEvent]] = {}
    for event in events:
        traces.setdefault(event.case, []).append(event)
    # Everything is quoted (and so checked) before the first write: a refused log leaves nothing behind.
    parts = [_XES_HEAD, f"  {_xes_string('concept:name', name, 'the log name')}\n"]
    for case, trace in traces.items():
        parts.append(f"  <trace>\n    {_xes_string('concept:name', case, 'the case')}\n")
        for number, event in enumerate(sorted(trace, key=lambda e: e.timestamp), start=1):
            stamp = event.timestamp.astimezone(dt.UTC).isoformat(timespec="milliseconds")
            where = f"case {case!r}, event {number}:"
            parts.append(
                "    <event>\n"
                f"      {_xes_string('concept:name', event.activity, where + ' activity')}\n"
                f'      <date key="time:timestamp" value={quoteattr(stamp)}/>\n'
                f"      {_xes_string('org:resource', event.resource, where + ' resource')}\n"
                f"      {_xes_string('lifecycle:transition', event.transition, where + ' transition')}\n"
                "    </event>\n"
            )
        parts.append("  </trace>\n")
    parts.append("</log>\n")
    out.write("".join(parts))
