"""Write a map to a file: SVG, PNG, PDF, DOT or Mermaid; :func:`render` is the
library's one call from a workflow to a map.

Files are written with :func:`lifecycle.safe_output.write_file`: whole or not at
all, so a failed render never leaves half a diagram over a good one.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
from collections import OrderedDict
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
    "graphs_pdf",
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
    source = graph.source
    found = _DRAWN.get((source, fmt))
    if found is not None:
        return found
    try:
        drawn = bytes(graphviz.Source(source).pipe(format=fmt, engine="dot", quiet=True))
    except graphviz.ExecutableNotFound:
        raise RenderError("Graphviz 'dot' is not installed (scripts/setup installs it)") from None
    except graphviz.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise RenderError(f"Graphviz failed to draw {title!r}: {detail[-1] if detail else exc}") from None
    _DRAWN.put((source, fmt), drawn)
    return drawn


def graphs_pdf(graphs: Sequence[graphviz.Source | graphviz.Digraph], title: str) -> list[bytes]:
    """Draw each of ``graphs`` as PDF, as :func:`graph_bytes` does, those not
    drawn yet in one ``dot`` process.

    Starting ``dot`` costs about 15 ms of CPU before it draws anything, as much
    as drawing a page heading; thirty headings drawn by one process take 35 ms
    instead of 500. (PDF only: in one process, Graphviz 2.43 gives the SVG of
    every graph after the first another group id.) Only graphs built with
    :class:`graphviz.Digraph` or :class:`graphviz.Graph` share the process:
    their source is one graph each, which lines the outputs up with them; a
    :class:`graphviz.Source` may hold any text, and is drawn alone.

    Raises
    ------
    RenderError
        When ``dot`` is not installed, or fails on one of them (the message names ``title``).
    """
    new = list(
        dict.fromkeys(
            g.source
            for g in graphs
            if isinstance(g, graphviz.Digraph | graphviz.Graph) and (g.source, "pdf") not in _DRAWN
        )
    )
    together: dict[str, bytes] = {}
    if len(new) > 1:
        together = dict(zip(new, _draw_together(new, "pdf"), strict=False))
        for source, drawn in together.items():
            _DRAWN.put((source, "pdf"), drawn)
    # Anything the shared run did not draw is drawn alone, which names what failed.
    return [together.get(g.source) or graph_bytes(g, "pdf", title) for g in graphs]


def _draw_together(sources: Sequence[str], fmt: str) -> list[bytes]:
    """``sources`` drawn by one ``dot`` process, in order; nothing when it fails."""
    with tempfile.TemporaryDirectory(prefix="lifecycle-dot-") as folder:
        path = os.path.join(folder, "graphs.gv")
        with open(path, "w", encoding="utf-8") as out:
            out.write("\n".join(sources))
        try:
            done = subprocess.run(["dot", f"-T{fmt}", "-O", path], capture_output=True, check=False)
        except OSError:
            return []
        # dot -O names the output of a file's first graph graphs.gv.pdf, its second graphs.gv.2.pdf, ...
        names = [f"{path}.{fmt}", *(f"{path}.{n}.{fmt}" for n in range(2, len(sources) + 1))]
        if done.returncode != 0 or os.path.exists(f"{path}.{len(sources) + 1}.{fmt}"):
            return []
        if not all(os.path.exists(name) for name in names):
            return []
        drawn = []
        for name in names:
            with open(name, "rb") as handle:
                drawn.append(handle.read())
        return drawn


class _Drawings:
    """The drawings made in this process, the least recently used forgotten
    first once they hold more than ``most`` bytes; one larger than an eighth of
    that is not kept (a map of a hundred organizations: megabytes of SVG)."""

    def __init__(self, most: int) -> None:
        self.most = most
        self.held = 0
        self.kept: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self.lock = threading.Lock()

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self.kept

    def get(self, key: tuple[str, str]) -> bytes | None:
        with self.lock:
            found = self.kept.get(key)
            if found is not None:
                self.kept.move_to_end(key)
            return found

    def put(self, key: tuple[str, str], drawn: bytes) -> None:
        size = _size(key, drawn)
        if size > self.most // 8:
            return
        with self.lock:
            if key in self.kept:
                self.held -= _size(key, self.kept.pop(key))
            self.kept[key] = drawn
            self.held += size
            while self.held > self.most:
                old_key, old = self.kept.popitem(last=False)
                self.held -= _size(old_key, old)


def _size(key: tuple[str, str], drawn: bytes) -> int:
    # The source (the key) is kept as well as the drawing.
    return len(key[0]) + len(drawn)


_DRAWN = _Drawings(64 * 1024 * 1024)


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
