"""The maps and files the studio draws and exports, through the library's own
drawing and report code, with the findings marked on every lane map.

Drawing a big map takes a few tenths of a second, so the last few maps drawn
are kept, keyed by the file's version and what was asked.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass

from lifecycle.diagnostics import LifecycleError
from lifecycle.drawing.maps import build_map
from lifecycle.drawing.output import map_bytes
from lifecycle.drawing.raci import raci_matrix
from lifecycle.drawing.raci_export import raci_xlsx
from lifecycle.loader import Document
from lifecycle.resilience import parse_target, without
from lifecycle.studio.state import Snapshot

__all__ = [
    "EXPORT_TYPES",
    "MapCache",
    "MapRequest",
    "draw_map",
    "findings_file",
    "raci_file",
    "whatif_document",
]

EXPORT_TYPES = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "sarif": "application/sarif+json",
}
"""The media type of each file the studio hands out."""


@dataclass(frozen=True)
class MapRequest:
    """Which map: the whole swimlane map, one phase, a journey or the overview;
    optionally with people or roles taken out (``person:ID``, ``role:ID``)."""

    phase: str | None = None
    journey: str | None = None
    overview: bool = False
    without: tuple[str, ...] = ()

    def stem(self) -> str:
        """A file name stem that says which map this is."""
        if self.overview:
            return "overview"
        if self.journey:
            return f"journey-{self.journey}"
        return f"phase-{self.phase}" if self.phase else "swimlane"


def whatif_document(document: Document, targets: Sequence[str]) -> Document:
    """``document`` with the people and roles ``targets`` names taken out.

    Raises
    ------
    WhatIfError
        When a target names no person or role of the workflow.
    """
    if not targets:
        return document
    removed = [parse_target(document.workflow, t) for t in targets]
    changed = without(
        document.workflow,
        people=[i for k, i in removed if k == "person"],
        roles=[i for k, i in removed if k == "role"],
    )
    return dataclasses.replace(document, workflow=changed)


def draw_map(document: Document, request: MapRequest, fmt: str = "svg") -> bytes:
    """The map ``request`` asks for, findings marked, as ``fmt`` (svg, png or pdf).

    Raises
    ------
    UnknownElement
        When the phase or journey is not in the workflow.
    WhatIfError
        When a person or role to take out is not in the workflow.
    RenderError
        When Graphviz fails.
    """
    shown = whatif_document(document, request.without)
    figure = build_map(
        shown,
        phases=[request.phase] if request.phase else None,
        journey=request.journey,
        overview=request.overview,
        overlay=not request.overview,
    )
    return map_bytes(figure, fmt)


class MapCache:
    """The last few maps drawn, by file, version, request and format.

    A map asked for while it is being drawn is waited for, not drawn twice; and
    :meth:`warm` draws the maps pages were last showing of a file as soon as it
    changes, while the pages are still hearing about the change.
    """

    def __init__(self, size: int = 32, remembered: int = 4) -> None:
        self._size = size
        self._remembered = remembered
        self._maps: OrderedDict[tuple[str, int, MapRequest, str], bytes] = OrderedDict()
        self._drawing: dict[tuple[str, int, MapRequest, str], Future[bytes]] = {}
        self._shown: dict[str, OrderedDict[MapRequest, None]] = {}
        self._lock = threading.Lock()

    def get(self, snapshot: Snapshot, document: Document, request: MapRequest, fmt: str = "svg") -> bytes:
        """The map of the snapshot's good document, drawn once per version."""
        key = (snapshot.name, snapshot.good_version, request, fmt)
        with self._lock:
            if fmt == "svg":
                shown = self._shown.setdefault(snapshot.name, OrderedDict())
                shown[request] = None
                shown.move_to_end(request)
                while len(shown) > self._remembered:
                    shown.popitem(last=False)
            if key in self._maps:
                self._maps.move_to_end(key)
                return self._maps[key]
            pending = self._drawing.get(key)
            if pending is None:
                pending = self._drawing[key] = Future()
                mine = True
            else:
                mine = False
        if not mine:
            return pending.result()
        try:
            data = draw_map(document, request, fmt)
        except BaseException as error:
            pending.set_exception(error)
            raise
        finally:
            with self._lock:
                self._drawing.pop(key, None)
        with self._lock:
            self._maps[key] = data
            while len(self._maps) > self._size:
                self._maps.popitem(last=False)
        pending.set_result(data)
        return data

    def warm(self, snapshot: Snapshot) -> None:
        """Draw the maps of ``snapshot`` that pages last showed of its file."""
        if snapshot.document is None or snapshot.errors:
            return
        with self._lock:
            requests = list(self._shown.get(snapshot.name, ()))
        for request in reversed(requests):
            try:
                self.get(snapshot, snapshot.document, request)
            except LifecycleError:
                continue  # a phase the edit removed: the page falls back, nothing to warm


def raci_file(document: Document) -> bytes:
    """The RACI matrix as an Excel workbook."""
    return raci_xlsx(raci_matrix(document.workflow))


def findings_file(snapshot: Snapshot, fmt: str) -> bytes:
    """The findings of the snapshot's good document as JSON or SARIF 2.1.0."""
    from lifecycle.report.as_json import to_json
    from lifecycle.report.sarif import to_sarif

    reports = [snapshot.report] if snapshot.report is not None else []
    writer = to_sarif if fmt == "sarif" else to_json
    return writer(reports, snapshot.errors).encode("utf-8")
