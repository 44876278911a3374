"""Write a map to a file: SVG, PNG, PDF, DOT or Mermaid; :func:`render` is the
library's one call from a workflow to a map.

Files are written with :func:`lifecycle.safe_output.write_file`: whole or not at
all, so a failed render never leaves half a diagram over a good one.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping, Sequence

import graphviz

from lifecycle.diagnostics import LifecycleError
from lifecycle.drawing import MAP_FORMATS
from lifecycle.drawing.maps import Figure, build_map
from lifecycle.loader import Document, load
from lifecycle.model import Workflow
from lifecycle.safe_output import write_file

__all__ = [
    "MAP_FORMATS",
    "MAP_SUFFIXES",
    "RenderError",
    "format_of",
    "graph_bytes",
    "map_bytes",
    "render",
    "write_map",
]

MAP_SUFFIXES = {
    "svg": "svg",
    "png": "png",
    "pdf": "pdf",
    "dot": "dot",
    "gv": "dot",
    "mermaid": "mermaid",
    "mmd": "mermaid",
}
"""The file suffixes a map can be written to, and the format each means."""

Progress = Callable[[str], None]


class RenderError(LifecycleError):
    """Graphviz is missing or failed, or the output file cannot be written."""


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
    title = figure.lane_map.title if figure.lane_map else "the lifecycle overview"
    return graph_bytes(figure.graph, fmt, title)


def graph_bytes(graph: graphviz.Source | graphviz.Digraph, fmt: str, title: str) -> bytes:
    """Draw ``graph`` with Graphviz's ``dot`` as ``fmt`` (svg, png, pdf, json).

    The same source drawn again in one process is not drawn twice: a book
    redraws one organization label on several pages, and the studio redraws
    every map after each save of a file.

    Raises
    ------
    RenderError
        When ``dot`` is not installed, or fails (the message names ``title``).
    """
    try:
        return _drawn(graph.source, fmt)
    except graphviz.ExecutableNotFound:
        raise RenderError("Graphviz 'dot' is not installed (scripts/setup installs it)") from None
    except graphviz.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise RenderError(f"Graphviz failed to draw {title!r}: {detail[-1] if detail else exc}") from None


@functools.lru_cache(maxsize=256)
def _drawn(source: str, fmt: str) -> bytes:
    # Each dot process costs about 15 ms of CPU before it draws anything; a
    # book of a large workflow asks for some 300 drawings, a quarter of them twice.
    return bytes(graphviz.Source(source).pipe(format=fmt, engine="dot", quiet=True))


def format_of(path: str, suffixes: Mapping[str, str], default: str, *, what: str = "map") -> str:
    """The format named by the suffix of ``path`` (``default`` when it has none).

    Raises
    ------
    RenderError
        When the suffix names no format, with the list of those that exist.
    """
    name = os.path.basename(path)
    if "." not in name.lstrip("."):
        return default
    suffix = name.rsplit(".", 1)[-1].lower()
    if suffix not in suffixes:
        known = ", ".join(f".{s}" for s in suffixes)
        raise RenderError(
            f"{path}: cannot tell a {what} format from '.{suffix}' (suffixes: {known}; or use --format)"
        )
    return suffixes[suffix]


def write_map(
    figure: Figure, fmt: str, path: str | os.PathLike[str], progress: Progress | None = None
) -> None:
    """Render ``figure`` as ``fmt`` into the file ``path`` (see
    :func:`lifecycle.safe_output.write_file`)."""
    write_file(path, map_bytes(figure, fmt, progress))


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
    fmt = format or (format_of(os.fspath(path), MAP_SUFFIXES, "svg") if path is not None else "svg")
    if fmt not in MAP_FORMATS:
        raise RenderError(f"unknown map format {fmt!r} (choose from {', '.join(MAP_FORMATS)})")
    phases = [phase] if isinstance(phase, str) else phase
    figure = build_map(document, phases=phases, journey=journey, overview=overview, overlay=overlay)
    data = map_bytes(figure, fmt)
    if path is None:
        return data
    write_file(path, data)
    return None
