"""Write a map to a file: SVG, PNG, PDF, DOT or Mermaid; :func:`render` is the
library's one call from a workflow to a map.

Files are written whole or not at all (a temporary file renamed into place), so
a failed render never leaves half a diagram over a good one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import graphviz

from lifecycle.diagnostics import LifecycleError
from lifecycle.drawing import MAP_FORMATS
from lifecycle.drawing.maps import Figure, build_map
from lifecycle.loader import Document, load
from lifecycle.model import Workflow

__all__ = [
    "MAP_FORMATS",
    "RenderError",
    "format_from_suffix",
    "map_bytes",
    "render",
    "write_atomic",
    "write_map",
]


_SUFFIXES = {"svg": "svg", "png": "png", "pdf": "pdf", "dot": "dot", "gv": "dot", "mmd": "mermaid"}

Progress = Callable[[str], None]


class RenderError(LifecycleError):
    """Graphviz is missing or failed, or the output file cannot be written."""


def format_from_suffix(
    path: str | os.PathLike[str], suffixes: dict[str, str] = _SUFFIXES, default: str = "svg"
) -> str:
    """The output format a file name asks for by its suffix (``default`` when it has none).

    Parameters
    ----------
    path
        The output file.
    suffixes
        Known suffixes (lower case, no dot) and the format each names.
    default
        The format of a file name with no suffix.

    Raises
    ------
    RenderError
        When the suffix names no known format (``map.jpg``), so nothing is written
        in a format its name does not promise.

    Examples
    --------
    >>> format_from_suffix("pre-launch.PNG")
    'png'
    >>> format_from_suffix("map.mmd")
    'mermaid'
    >>> format_from_suffix("map")
    'svg'
    """
    suffix = Path(path).suffix.lower().lstrip(".")
    if not suffix:
        return default
    if suffix not in suffixes:
        known = ", ".join(f".{s}" for s in suffixes)
        raise RenderError(
            f"{os.fspath(path)}: unknown suffix .{suffix} (write one of {known}, or name a format)"
        )
    return suffixes[suffix]


def map_bytes(figure: Figure, fmt: str, progress: Progress | None = None) -> bytes:
    """The bytes of ``figure`` in ``fmt`` (one of :data:`MAP_FORMATS`).

    Raises
    ------
    RenderError
        When Graphviz's ``dot`` is not installed or fails.
    """
    if fmt == "dot":
        source: str = figure.graph.source
        return source.encode("utf-8")
    if fmt == "mermaid":
        return figure.mermaid.encode("utf-8")
    if fmt not in MAP_FORMATS:
        raise RenderError(f"unknown map format {fmt!r} (choose from {', '.join(MAP_FORMATS)})")
    if progress is not None:
        size = f"{len(figure.lane_map.cards)} cards, " if figure.lane_map else ""
        progress(f"drawing {size}{fmt.upper()} with Graphviz")
    try:
        data = bytes(figure.graph.pipe(format=fmt, engine="dot", quiet=True))
    except graphviz.ExecutableNotFound:
        raise RenderError("Graphviz 'dot' is not installed (scripts/setup installs it)") from None
    except graphviz.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise RenderError(f"Graphviz failed: {detail[-1] if detail else exc}") from None
    return data


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    Raises
    ------
    RenderError
        When the folder does not exist or cannot be written.
    """
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    except OSError as exc:
        raise RenderError(f"{target}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except OSError as exc:
        os.unlink(tmp)
        raise RenderError(f"{target}: cannot write: {exc.strerror or exc}") from None


def write_map(
    figure: Figure, fmt: str, path: str | os.PathLike[str], progress: Progress | None = None
) -> None:
    """Render ``figure`` as ``fmt`` into the file ``path``."""
    write_atomic(path, map_bytes(figure, fmt, progress))


def render(
    source: Document | Workflow | str | os.PathLike[str],
    path: str | os.PathLike[str] | None = None,
    *,
    phase: str | Sequence[str] | None = None,
    journey: str | None = None,
    overview: bool = False,
    overlay: bool = False,
    format: str | None = None,
) -> bytes | None:
    """Draw a map of a workflow: write it to ``path``, or return its bytes.

    Parameters
    ----------
    source
        A loaded :class:`~lifecycle.loader.Document`, a
        :class:`~lifecycle.model.Workflow`, or the path of a workflow file.
    path
        The file to write; its suffix gives the format unless ``format`` is
        named. With no path, the map's bytes are returned.
    phase
        Map only this phase (or these phases) of the swimlane map.
    journey
        Draw the journey map of this journey instead.
    overview
        Draw the lifecycle overview instead.
    overlay
        Mark the check findings on a swimlane or journey map.
    format
        One of :data:`MAP_FORMATS`; by default from ``path``'s suffix, else SVG.

    Returns
    -------
    bytes or None
        The map when no ``path`` is given, else None once the file is written.

    Raises
    ------
    LoadError
        When ``source`` is a path to a workflow that does not load.
    UnknownElement
        When the phase or journey is not in the workflow.
    RenderError
        When the format is unknown, Graphviz fails, or the file cannot be written.

    Examples
    --------
    >>> from lifecycle import load, render
    >>> svg = render(load("workflows/payer-cbo-partnership.yaml"), phase="pre-launch")
    >>> svg.startswith(b"<?xml")
    True
    """
    if isinstance(source, Document):
        document = source
    elif isinstance(source, Workflow):
        # Checks for the overlay only need the elements; there is no file to point into.
        document = Document("<workflow>", source, "")
    else:
        document = load(source)
    fmt = format or (format_from_suffix(path) if path is not None else "svg")
    if fmt not in MAP_FORMATS:
        raise RenderError(f"unknown map format {fmt!r} (choose from {', '.join(MAP_FORMATS)})")
    phases = [phase] if isinstance(phase, str) else phase
    figure = build_map(document, phases=phases, journey=journey, overview=overview, overlay=overlay)
    data = map_bytes(figure, fmt)
    if path is None:
        return data
    write_atomic(path, data)
    return None
