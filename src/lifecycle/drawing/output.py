"""Write a map to a file: SVG, PNG, PDF, DOT or Mermaid.

Files are written whole or not at all (a temporary file renamed into place), so
a failed render never leaves half a diagram over a good one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import graphviz

from lifecycle.diagnostics import LifecycleError
from lifecycle.drawing.maps import Figure

__all__ = ["MAP_FORMATS", "RenderError", "map_bytes", "write_atomic", "write_map"]

MAP_FORMATS = ("svg", "png", "pdf", "dot", "mermaid")

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
