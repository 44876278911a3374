"""Which reader reads a log of real referrals: the one definition of "read a log"
that ``lifecycle conformance`` and the JOC report share.

A ``.json`` file is a FHIR Bundle of Task versions
(:class:`~lifecycle.interchange.fhir_tasks.FhirTaskReader`); anything else is a
CSV or XES event log (:class:`~lifecycle.interchange.event_log.EventLogReader`,
``.xes`` by its name, else CSV); a format named by the user wins over the name.
"""

from __future__ import annotations

from typing import Literal

from lifecycle.interchange.event_log import EventLogReader, LogColumns, OnBadRow
from lifecycle.interchange.fhir_tasks import FhirTaskOptions, FhirTaskReader

__all__ = ["LogFormat", "LogReader", "open_log"]

LogFormat = Literal["auto", "csv", "xes", "fhir"]
LogReader = EventLogReader | FhirTaskReader


def open_log(
    path: str,
    log_format: LogFormat = "auto",
    *,
    columns: LogColumns | None = None,
    fhir: FhirTaskOptions | None = None,
    on_bad_row: OnBadRow = "skip",
) -> LogReader:
    """The reader for the log at ``path`` (nothing is read yet).

    Parameters
    ----------
    path
        The log: ``.csv`` (optionally ``.gz`` or ``.bz2``), ``.xes``, or ``.json``
        (a FHIR Bundle of Tasks).
    log_format
        ``auto``: by the file's name; else read it as ``csv``, ``xes`` or ``fhir``.
    columns
        The CSV columns (default :class:`LogColumns`).
    fhir
        How a Bundle's Tasks become events (default :class:`FhirTaskOptions`).
    on_bad_row
        ``skip`` malformed rows or invalid resources (reported), or ``fail`` at
        the first.

    Examples
    --------
    >>> type(open_log("tasks.json")).__name__, type(open_log("tasks.bundle", "fhir")).__name__
    ('FhirTaskReader', 'FhirTaskReader')
    >>> open_log("events.xes").format is None, open_log("events.txt", "csv").format
    (True, 'csv')
    """
    if log_format == "fhir" or (log_format == "auto" and path.lower().endswith(".json")):
        return FhirTaskReader(path, fhir or FhirTaskOptions(), on_bad_row=on_bad_row)
    return EventLogReader(
        path,
        columns or LogColumns(),
        on_bad_row=on_bad_row,
        format=None if log_format == "auto" else log_format,
    )
