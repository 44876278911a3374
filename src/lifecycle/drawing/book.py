"""The map book: every map of a workflow as one multi-page PDF for a report or the room.

Pages, in order: a cover with the lifecycle overview; one page per phase (its
swimlane map); one per journey; the RACI matrix; the check findings. Each page
is landscape Letter or A4. A map is drawn as large as the page allows; when
fitting it whole would shrink its card text below 8 points, it is drawn at 8
points and continues over as many pages as it needs, tiles overlapping a little
so a card cut at one edge is whole on the next page, each page headed "part i
of n". Graphviz draws every piece as a PDF page; :mod:`pypdf` places them.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass

import graphviz
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    RectangleObject,
)

from lifecycle.drawing import style
from lifecycle.drawing.labels import dot_label, html_text, wrap
from lifecycle.drawing.maps import build_map
from lifecycle.drawing.output import graph_bytes
from lifecycle.drawing.raci import raci_matrix
from lifecycle.loader import Document

__all__ = ["PAPERS", "book_pdf"]

PAPERS = {"letter": (792.0, 612.0), "a4": (842.0, 595.0)}
"""Landscape page sizes in points."""

MARGIN = 20.0
HEADER_H = 22.0
MIN_SCALE = 0.8
"""Card text is 10 points: drawn at 0.8 it is the 8 points a printed page still reads."""
MAX_SCALE = 1.5
OVERLAP = 48.0
RACI_ROWS = 24
FINDING_LINES = 36

Progress = Callable[[str], None]


@dataclass(frozen=True)
class _Piece:
    """One drawing to place on one or more pages, under a heading."""

    heading: str
    pdf: bytes
    min_scale: float = 0.8
    """How small the drawing may be scaled before it continues on another page."""


def _single_page(data: bytes) -> PageObject:
    return PdfReader(io.BytesIO(data)).pages[0]


def _form(writer: PdfWriter, page: PageObject) -> tuple[IndirectObject, RectangleObject]:
    """``page`` as a form XObject in ``writer``, and its box.

    Every tile of a drawing shows the one form through a clip, so a drawing's
    content is copied once, never parsed or rewritten (pypdf's page merging
    parses the whole content stream on each merge, which made a big book slow).
    """
    contents = page.get("/Contents")
    streams = contents.get_object() if contents is not None else []
    if not isinstance(streams, ArrayObject):
        streams = [streams]
    form = DecodedStreamObject()
    form.set_data(b"\n".join(s.get_object().get_data() for s in streams))
    box = page.mediabox
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                FloatObject(v) for v in (box.left, box.bottom, box.right, box.top)
            ),
            NameObject("/Resources"): page.get("/Resources", DictionaryObject()).get_object().clone(writer),
        }
    )
    return writer._add_object(form), box


def _draw(writer: PdfWriter, page: PageObject, drawings: list[tuple[IndirectObject, str]]) -> None:
    """Give ``page`` the content that draws each form through its clip and matrix (PDF operators)."""
    page[NameObject("/Resources")] = DictionaryObject(
        {
            NameObject("/XObject"): DictionaryObject(
                {NameObject(f"/D{i}"): form for i, (form, _ops) in enumerate(drawings)}
            )
        }
    )
    content = DecodedStreamObject()
    content.set_data(
        "\n".join(f"q {ops} /D{i} Do Q" for i, (_form, ops) in enumerate(drawings)).encode("ascii")
    )
    page[NameObject("/Contents")] = writer._add_object(content)


def _heading(text: str) -> PageObject:
    g = graphviz.Digraph("heading")
    g.attr("graph", pad="0", margin="0")
    g.node("h", dot_label(text), shape="plaintext", fontname=style.FONT, fontsize="13")
    return _single_page(graph_bytes(g, "pdf", text))


def _tiles(
    width: float, height: float, room_w: float, room_h: float, least: float
) -> tuple[float, list[tuple[float, float]]]:
    """The scale and the lower-left corners (in the drawing's points) of the fewest
    tiles that cover a ``width`` x ``height`` drawing, scaled no smaller than
    ``least``, on pages with ``room_w`` x ``room_h`` of room."""
    fit = min(room_w / width, room_h / height, MAX_SCALE)
    if fit >= least:
        return fit, [(0.0, 0.0)]

    def pages(length: float, room: float) -> int:
        # The fewest pages along one side that keep the drawing at ``least`` or larger.
        n = 1
        while room * n / (length + (n - 1) * OVERLAP) < least:
            n += 1
        return n

    cols, rows = pages(width, room_w), pages(height, room_h)
    scale = min(
        room_w * cols / (width + (cols - 1) * OVERLAP),
        room_h * rows / (height + (rows - 1) * OVERLAP),
        MAX_SCALE,
    )
    tile_w, tile_h = room_w / scale, room_h / scale
    cols = max(1, math.ceil((width - OVERLAP) / (tile_w - OVERLAP) - 1e-6))
    rows = max(1, math.ceil((height - OVERLAP) / (tile_h - OVERLAP) - 1e-6))
    corners = []
    for r in range(rows):
        # Top rows first: PDF y grows upwards.
        y = max(0.0, height - tile_h - r * (tile_h - OVERLAP))
        for c in range(cols):
            x = min(c * (tile_w - OVERLAP), max(0.0, width - tile_w))
            corners.append((x, y))
    return scale, corners


def _place(writer: PdfWriter, piece: _Piece, paper: tuple[float, float]) -> None:
    page_w, page_h = paper
    room_w, room_h = page_w - 2 * MARGIN, page_h - 2 * MARGIN - HEADER_H
    drawing, box = _form(writer, _single_page(piece.pdf))
    width, height = float(box.width), float(box.height)
    scale, corners = _tiles(width, height, room_w, room_h, piece.min_scale)
    for i, (x, y) in enumerate(corners):
        part = f" (part {i + 1} of {len(corners)})" if len(corners) > 1 else ""
        page = writer.add_blank_page(page_w, page_h)
        # Only the tile's part of the drawing shows: everything else is clipped away.
        w, h = min(width, room_w / scale), min(height, room_h / scale)
        left, bottom = MARGIN + (room_w - w * scale) / 2, MARGIN + room_h - h * scale
        dx, dy = left - (float(box.left) + x) * scale, bottom - (float(box.bottom) + y) * scale
        clip = f"{left:.4f} {bottom:.4f} {w * scale:.4f} {h * scale:.4f} re W n"
        tile = f"{clip} {scale:.6f} 0 0 {scale:.6f} {dx:.4f} {dy:.4f} cm"
        head, head_box = _form(writer, _heading(piece.heading + part))
        hx = (page_w - float(head_box.width)) / 2 - float(head_box.left)
        hy = page_h - MARGIN - (HEADER_H + float(head_box.height)) / 2 - float(head_box.bottom)
        _draw(writer, page, [(drawing, tile), (head, f"1 0 0 1 {hx:.4f} {hy:.4f} cm")])


def _cell(column: int, text: str) -> str:
    """A RACI table cell: the phase, id and task columns left-aligned, letters centred."""
    lines = wrap(text, 34 if column == 2 else 18, max_lines=3) if text else []
    align = ' align="left"' if column < 3 else ""
    return f"<td{align}>{'<br/>'.join(html_text(t) for t in lines) or ' '}</td>"


def _raci_pieces(document: Document) -> list[_Piece]:
    matrix = raci_matrix(document.workflow)
    head = "".join(
        f'<td bgcolor="#e0e0e0"><b>{"<br/>".join(html_text(t) for t in wrap(h, 14, max_lines=4))}</b></td>'
        for h in matrix.header
    )
    rows = matrix.table()
    pieces = []
    chunks = [rows[i : i + RACI_ROWS] for i in range(0, len(rows), RACI_ROWS)] or [[]]
    for n, chunk in enumerate(chunks):
        body = "".join("<tr>" + "".join(_cell(i, c) for i, c in enumerate(row)) + "</tr>" for row in chunk)
        table = (
            '<<table border="0" cellborder="1" cellspacing="0" cellpadding="3">'
            f"<tr>{head}</tr>{body}</table>>"
        )
        g = graphviz.Digraph("raci")
        g.attr("graph", pad="0.1")
        g.node("t", table, shape="plaintext", fontname=style.FONT, fontsize="10")
        part = f" ({n + 1} of {len(chunks)})" if len(chunks) > 1 else ""
        title = f"RACI: A accountable, R responsible, C consulted, I informed{part}"
        pieces.append(_Piece(title, graph_bytes(g, "pdf", "the RACI matrix")))
    return pieces


def _findings_pieces(document: Document) -> list[_Piece]:
    from lifecycle.checks import check

    found = check(document)
    lines: list[str] = []
    for d in found:
        lines.extend(
            ("  " if i else "") + part
            for i, part in enumerate(wrap(f"{d.severity} {d.code}: {d.message}", 120))
        )
        if d.hint:
            lines.extend("    hint: " + part for part in wrap(d.hint, 110))
    if not lines:
        lines = ["No findings: every check passes."]
    chunks = [lines[i : i + FINDING_LINES] for i in range(0, len(lines), FINDING_LINES)]
    pieces = []
    for n, chunk in enumerate(chunks):
        g = graphviz.Digraph("findings")
        g.attr("graph", pad="0.2")
        g.node("f", dot_label(chunk, justify="left"), shape="plaintext", fontname=style.FONT, fontsize="10")
        part = f" ({n + 1} of {len(chunks)})" if len(chunks) > 1 else ""
        heading = f"Check findings: {len(found)}{part}"
        pieces.append(_Piece(heading, graph_bytes(g, "pdf", "the findings")))
    return pieces


def book_pdf(document: Document, paper: str = "letter", progress: Progress | None = None) -> bytes:
    """The map book of ``document`` as one PDF.

    Parameters
    ----------
    document
        A loaded workflow.
    paper
        ``"letter"`` or ``"a4"`` (landscape).
    progress
        Called with a short message before each part is drawn.

    Returns
    -------
    bytes
        The PDF: cover with the overview, a page (or more) per phase and per
        journey, the RACI matrix, the findings.

    Raises
    ------
    RenderError
        When Graphviz fails.
    """
    workflow = document.workflow
    title = workflow.title

    def draw(
        heading: str, figure_graph: graphviz.Source | graphviz.Digraph, least: float = MIN_SCALE
    ) -> _Piece:
        if progress is not None:
            progress(f"drawing {heading}")
        return _Piece(heading, graph_bytes(figure_graph, "pdf", heading), least)

    # The cover shows the whole lifecycle on one page, whatever its size.
    pieces = [draw(f"{title}: the lifecycle", build_map(document, overview=True).graph, 0.05)]
    for n, (pid, phase) in enumerate(workflow.phases.items(), start=1):
        pieces.append(
            draw(
                f"Phase {n} of {len(workflow.phases)}: {phase.title}", build_map(document, phases=[pid]).graph
            )
        )
    for jid, journey in workflow.journeys.items():
        pieces.append(draw(f"Journey: {journey.title}", build_map(document, journey=jid).graph))
    pieces += _raci_pieces(document)
    pieces += _findings_pieces(document)
    writer = PdfWriter()
    for piece in pieces:
        _place(writer, piece, PAPERS[paper])
    writer.add_metadata({"/Title": f"{title}: map book", "/Creator": "lifecycle"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
