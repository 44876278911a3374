"""Every map of one workflow, into one folder: what ``diagrams/`` holds.

For a workflow ``ID``: ``ID.swimlane.{svg,png,dot}`` (the whole lifecycle),
``ID.overview.{svg,png,dot}``, ``ID.journey-<journey>.{svg,png,dot}`` for each
journey, ``ID.swimlane.mmd`` and ``ID.raci.md``. The DOT and text files are
deterministic, which is how the tests tell when a committed diagram is stale.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from lifecycle.drawing.maps import Figure, build_map
from lifecycle.drawing.output import RenderError, map_bytes
from lifecycle.drawing.raci import raci_matrix
from lifecycle.drawing.raci_export import raci_markdown
from lifecycle.loader import Document
from lifecycle.safe_output import write_file

__all__ = ["GALLERY_IMAGES", "gallery_figures", "gallery_texts", "write_gallery"]

GALLERY_IMAGES = ("svg", "png")
"""The image formats written beside each map's DOT text."""


def gallery_figures(document: Document) -> dict[str, Figure]:
    """Each map of ``document`` by its file stem."""
    wid = document.workflow.id
    figures = {f"{wid}.swimlane": build_map(document), f"{wid}.overview": build_map(document, overview=True)}
    for jid in document.workflow.journeys:
        figures[f"{wid}.journey-{jid}"] = build_map(document, journey=jid)
    return figures


def gallery_texts(document: Document, figures: dict[str, Figure] | None = None) -> dict[str, str]:
    """The deterministic text files of the gallery, by file name."""
    figures = figures if figures is not None else gallery_figures(document)
    texts = {f"{stem}.dot": figure.graph.source for stem, figure in figures.items()}
    wid = document.workflow.id
    texts[f"{wid}.swimlane.mmd"] = figures[f"{wid}.swimlane"].mermaid
    texts[f"{wid}.raci.md"] = raci_markdown(raci_matrix(document.workflow))
    return texts


def write_gallery(
    document: Document, folder: str | os.PathLike[str], progress: Callable[[str], None] | None = None
) -> list[Path]:
    """Write every map of ``document`` into ``folder`` (created when missing).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    RenderError
        When ``folder`` is a file or cannot be made.
    """
    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise RenderError(f"{out}: is a file; --all writes every map into a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(f"{out}: cannot make the folder: {exc.strerror or exc}") from None
    figures = gallery_figures(document)
    written = []
    for name, text in gallery_texts(document, figures).items():
        write_file(out / name, text.encode("utf-8"))
        written.append(out / name)
    for stem, figure in figures.items():
        for fmt in GALLERY_IMAGES:
            write_file(out / f"{stem}.{fmt}", map_bytes(figure, fmt, progress))
            written.append(out / f"{stem}.{fmt}")
    return written
