"""The map book: every map of a workflow as one multi-page PDF for a report or the room.

Pages, in order: a cover with the lifecycle overview, wrapped into as many rows
as the page needs; one page per phase (its swimlane map); one per journey; the
RACI matrix; the check findings. Each page is landscape Letter or A4 and headed.
Maps are drawn with the denser print layout (:data:`~lifecycle.drawing.layout.PRINT`)
as large as the page allows while their smallest text stays at
:data:`~lifecycle.drawing.page_fit.FLOOR_PT` points or more; a map too big for
that continues on the next pages, cut between lanes and between task columns
with its lane labels and headers repeated, parts smaller than a page sharing one
(:mod:`lifecycle.drawing.page_fit`). The RACI numbers its role columns, with a
key, where their titles would not let every role share a table; the last RACI
table and the findings share a page where they fit. Graphviz draws every piece
as PDF; :mod:`pypdf` crops and places them.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import graphviz
from pypdf import PageObject, PdfReader, PdfWriter

from lifecycle.drawing import style
from lifecycle.drawing.draw import footer_lines
from lifecycle.drawing.labels import dot_label, html_text, wrap
from lifecycle.drawing.lane_model import LaneMap
from lifecycle.drawing.lanes import Lane
from lifecycle.drawing.layout import PRINT, Box, label_lines, place
from lifecycle.drawing.maps import Figure, build_map
from lifecycle.drawing.output import graph_bytes, graphs_pdf
from lifecycle.drawing.overview import PER_ROW, overview_graph
from lifecycle.drawing.page_fit import (
    FLOOR_PT,
    Canvas,
    Cuts,
    Sheet,
    Tile,
    add_form,
    place_tile,
    plan_tiles,
    smallest_text,
    tile_size,
    whole,
)
from lifecycle.drawing.raci import RaciMatrix, raci_matrix
from lifecycle.loader import Document

__all__ = ["PAPERS", "book_pdf"]

PAPERS = {"letter": (792.0, 612.0), "a4": (842.0, 595.0)}
"""Landscape page sizes in points."""

MARGIN = 20.0
HEADER_H = 24.0
TABLE_SCALE = 0.85
"""The RACI tables are cut so their 10-point text prints at 8.5 points or more."""
RACI_TASK_WRAP = 36
"""Characters per line of a RACI row's task title and id."""
RACI_ROLE_WRAP = 10
"""Characters per line of a RACI column's role title (a longer word keeps its line)."""
RACI_NUMBER_WRAP = 3
"""Characters per line an organization's name has over each numbered role column."""
FINDING_LINES = 34

Progress = Callable[[str], None]


@dataclass(frozen=True)
class _Label:
    """A label box of a lane map's margins (PDF points): an organization's, in the
    left column, cut between lanes; a block's header, on top, cut between columns."""

    text: str
    box: tuple[float, float, float, float]
    on_top: bool
    """A block header (cut by a part's columns) rather than an organization (cut by its lanes)."""

    fill: str = "#f0f0f0"


@dataclass(frozen=True)
class _Drawn:
    """A small drawing to put on a page: its graph, where its lower-left corner goes, at what scale."""

    graph: graphviz.Digraph
    at: tuple[float, float]
    scale: float


@dataclass(frozen=True)
class _Piece:
    """One drawing to place on one or more pages, under a heading."""

    heading: str
    pdf: bytes
    cuts: Cuts
    lanes: tuple[tuple[str, float], ...] = ()
    """Each lane's title and the y of its middle (PDF points), to name a tile's lanes."""

    columns: tuple[float, ...] = ()
    """The x of each column's middle, to number a tile's columns."""

    one_page: bool = False
    """Shown whole on one page, however small that makes it (the cover)."""

    cards: tuple[tuple[float, float], ...] = ()
    """The centre of every card of a lane map: a part with none is left out."""

    labels: tuple[_Label, ...] = ()
    """The organization labels and block headers of a lane map, redrawn on each
    part that cuts them."""


def _page(data: bytes) -> PageObject:
    return PdfReader(io.BytesIO(data)).pages[0]


def _bounds(data: bytes) -> tuple[float, float, float, float]:
    box = _page(data).mediabox
    return (float(box.left), float(box.bottom), float(box.right), float(box.top))


def _heading(text: str) -> graphviz.Digraph:
    """A page's heading: one line of 12 points, or two of 10 where a long title and
    a part's place ("part 2 of 6 (columns 4-7, lanes 1-5), continues on p. 9") need them."""
    g = graphviz.Digraph("heading")
    g.attr("graph", pad="0", margin="0")
    lines = wrap(text, 120)
    size = "12" if len(lines) == 1 else "10"
    if len(lines) > 1:
        lines = wrap(text, 135, max_lines=2)
    g.node("h", dot_label(lines), shape="plaintext", fontname=style.FONT, fontsize=size)
    return g


def _floor(data: bytes) -> float:
    """The smallest scale at which the drawing's smallest text is still :data:`FLOOR_PT`."""
    return min(1.0, FLOOR_PT / smallest_text(_page(data)))


def _fits(data: bytes, paper: tuple[float, float], scale: float) -> bool:
    """Whether the drawing in ``data`` fits one page of ``paper`` at ``scale``."""
    room_w, room_h = _room(paper)
    left, bottom, right, top = _bounds(data)
    return (right - left) * scale <= room_w and (top - bottom) * scale <= room_h


def _room(paper: tuple[float, float]) -> tuple[float, float]:
    return paper[0] - 2 * MARGIN, paper[1] - 2 * MARGIN - HEADER_H


def _plain(heading: str, data: bytes) -> _Piece:
    """A drawing with no seams (the overview, a table): shown whole."""
    return _Piece(heading, data, whole(_bounds(data)))


def _drawn_lane_piece(heading: str, figure: Figure) -> _Piece:
    """The lane map of ``figure`` drawn as PDF, with its seams."""
    assert figure.lane_map is not None
    data = graph_bytes(figure.graph, "pdf", heading)
    return _lane_piece(heading, figure.lane_map, data, graph_bytes(figure.graph, "json", heading))


def _lane_piece(heading: str, lane_map: LaneMap, data: bytes, layout: bytes) -> _Piece:
    """A lane map drawn as PDF (``data``) with its seams, found in Graphviz's JSON
    ``layout`` of it: between lanes, after each column of cards, and at each phase
    or stage boundary, in the PDF's points."""
    if not lane_map.lanes:
        return _plain(heading, data)
    laid = json.loads(layout)
    geo = place(lane_map, footer_lines(lane_map), PRINT)
    left, bottom, right, top = _bounds(data)
    bb = [float(v) for v in laid["bb"].split(",")]
    # Graphviz moves the drawing so its contents start at the origin and centres it
    # on the PDF page: find the shift from the first lane band, whose box is known.
    first = lane_map.lanes[0].key
    band = next(o for o in laid.get("objects", []) if o.get("id") == f"lane-{first}")
    drawn = [float(v) for v in band["bb"].split(",")]
    ox = left + (right - left - (bb[2] - bb[0])) / 2
    oy = bottom + (top - bottom - (bb[3] - bb[1])) / 2
    dx = drawn[0] - geo.lanes[first].bb[0] + ox
    dy = drawn[3] - geo.lanes[first].bb[3] + oy
    # The page margins and pad around the drawing are left out: they are only white.
    left, bottom, right, top = ox - 2, oy - 2, ox + bb[2] - bb[0] + 2, oy + bb[3] - bb[1] + 2

    lanes = [geo.lanes[lane.key] for lane in lane_map.lanes]
    lane_tops = [b.bb[3] + dy for b in lanes]
    body_top, body_bottom = lane_tops[0], lanes[-1].bb[1] + dy
    org_changes = frozenset(
        lanes[i].bb[1] + dy
        for i in range(len(lane_map.lanes) - 1)
        if lane_map.lanes[i].org != lane_map.lanes[i + 1].org
    )
    # A page may end just right of a column of cards (chips side by side in a row
    # stay inside their column's width), or right of a gate.
    widest = {
        x: w
        for x, w in geo.column_w.items()
        if any(abs(placed.box.x - x) <= w / 2 for placed in geo.cards.values())
    }
    xs = [x + w / 2 + 6 + dx for x, w in widest.items()]
    block_ends = [gate.bb[2] + 4 + dx for gate in geo.gates.values()]
    block_ends += [x + dx for x, gated in geo.boundaries if not gated]
    footer = None
    if geo.footer is not None:
        lines = footer_lines(lane_map)
        f = geo.footer.bb
        text_w = max(len(line) for line in lines) * 6.0 + 24
        footer = (f[0] + dx, f[1] + dy - 4, min(f[2], f[0] + text_w) + dx, f[3] + dy + 4)
    cuts = Cuts(
        (left, max(bottom, (footer[1] if footer else body_bottom) - 4), right, top),
        body_left=PRINT.org_w + PRINT.lane_w + dx,
        body_top=body_top,
        body_bottom=body_bottom,
        xs=tuple(sorted({*xs, *block_ends})),
        preferred_xs=frozenset(block_ends),
        ys=tuple(b.bb[1] + dy for b in lanes[:-1]),
        preferred_ys=org_changes,
        footer=footer,
    )
    titles = tuple((lane.title, box.y + dy) for lane, box in zip(lane_map.lanes, lanes, strict=True))
    kinds = {lane.org or "": lane.org_kind for lane in lane_map.lanes}

    def moved(box: Box) -> tuple[float, float, float, float]:
        return (box.bb[0] + dx, box.bb[1] + dy, box.bb[2] + dx, box.bb[3] + dy)

    labels = [_Label(text, moved(box), False, style.org_tints(kinds[oid])[0]) for oid, text, box in geo.orgs]
    labels += [_Label(block.title, moved(geo.blocks[block.key]), True) for block in lane_map.blocks]
    columns = tuple(sorted(x + dx for x in widest))
    cards = tuple((p.box.x + dx, p.box.y + dy) for p in geo.cards.values())
    return _Piece(heading, data, cuts, titles, columns, cards=cards, labels=tuple(labels))


def _labels(piece: _Piece, tile: Tile, scale: float, corner: tuple[float, float]) -> list[_Drawn]:
    """The organization labels and block headers to redraw over the part of them a
    tile shows, so a part cut inside an organization's lanes or a block's columns
    still names it (whole words, not the middle of a cut title)."""
    cuts = piece.cuts
    if tile.y[1] <= cuts.body_bottom:
        return []
    left, _, _, top = cuts.bounds
    header = top - cuts.body_top
    body_y = corner[1] - (header + tile.y[1] - tile.y[0]) * scale
    found = []
    for label in piece.labels:
        x0, y0, x1, y1 = label.box
        if label.on_top:
            x0, x1 = max(x0, tile.x[0]), min(x1, tile.x[1])
            at = (
                corner[0] + (cuts.body_left - left + x0 - tile.x[0]) * scale,
                corner[1] - (top - y0) * scale,
            )
            cut = (x0, x1) != (label.box[0], label.box[2])
        else:
            # Flush with the part's edge where the box runs on past it, covering the old label.
            y0, y1 = max(y0, tile.y[0]), min(y1, tile.y[1])
            at = (corner[0] + (x0 - left) * scale, body_y + (y0 - tile.y[0]) * scale)
            cut = (y0, y1) != (label.box[1], label.box[3])
        if not cut or x1 - x0 < 24 or y1 - y0 < 20:
            continue
        width = max(8, int((x1 - x0) / 7)) if label.on_top else PRINT.org_wrap
        lines = label_lines(label.text, width)
        most = max(1, int((y1 - y0 - 8) // 15))
        if len(lines) > most:
            lines = [*lines[: most - 1], lines[most - 1] + "…"]
        g = graphviz.Digraph("label")
        g.attr("graph", pad="0", margin="0")
        g.node(
            "o",
            dot_label(lines),
            shape="box",
            style="filled,rounded" if label.on_top else "filled",
            fillcolor=label.fill,
            color="#909090" if label.on_top else "#707070",
            fontname=style.FONT,
            fontsize="12" if label.on_top else "11",
            width=f"{(x1 - x0) / 72:.3f}",
            height=f"{(y1 - y0) / 72:.3f}",
            fixedsize="true",
        )
        found.append(_Drawn(g, at, scale))
    return found


def _extent(piece: _Piece, tile: Tile) -> str:
    """Which columns and lanes of ``piece`` a tile shows ("" for all of them)."""
    where = []
    cols = [i for i, x in enumerate(piece.columns, 1) if tile.x[0] <= x <= tile.x[1]]
    if cols and len(cols) < len(piece.columns):
        where.append(f"columns {cols[0]}-{cols[-1]}" if len(cols) > 1 else f"column {cols[0]}")
    rows = [i for i, (_, y) in enumerate(piece.lanes, 1) if tile.y[0] <= y <= tile.y[1]]
    if rows and len(rows) < len(piece.lanes):
        where.append(f"lanes {rows[0]}-{rows[-1]}" if len(rows) > 1 else f"lane {rows[0]}")
    return ", ".join(where)


def _part(piece: _Piece, sheet: Sheet, n: int, count: int, page: int) -> str:
    """What a page of a piece shows: which part, which columns and lanes (each of
    its parts', where it holds several), where it goes on."""
    if count == 1:
        return ""
    body = [tile for tile, _ in sheet.tiles if tile.y[1] > piece.cuts.body_bottom]
    if not body:
        return f": part {n} of {count} (legend)"
    where = "; ".join(w for w in dict.fromkeys(_extent(piece, t) for t in body) if w)
    onward = f", continues on p. {page + 1}" if n < count else ""
    return f": part {n} of {count}{' (' + where + ')' if where else ''}{onward}"


def _place(writer: PdfWriter, piece: _Piece, paper: tuple[float, float]) -> None:
    page_w, page_h = paper
    room = _room(paper)

    def worth(tile: Tile) -> float:
        # A part of lanes and columns with no card on it (a journey's empty corner) is
        # only lane colour and passing arrows: it is left out.
        if not piece.cards:
            return 1.0
        return sum(tile.x[0] <= x <= tile.x[1] and tile.y[0] <= y <= tile.y[1] for x, y in piece.cards)

    floor = 0.0 if piece.one_page else _floor(piece.pdf)
    scale, sheets = plan_tiles(piece.cuts, room, floor, worth)
    form = add_form(writer, piece.pdf)
    before = len(writer.pages)
    pages = []
    for n, sheet in enumerate(sheets, start=1):
        tiles = []
        for tile, (ox, oy) in sheet.tiles:
            width, _ = tile_size(piece.cuts, tile)
            # A page of one part: centred; of several: flush left, so lanes line up page to page.
            alone = len(sheets) == 1 and len(sheet.tiles) == 1
            x = MARGIN + ox + (max(0.0, room[0] - width * scale) / 2 if alone else 0.0)
            corner = (x, page_h - MARGIN - HEADER_H - oy)
            tiles.append((tile, corner, _labels(piece, tile, scale, corner)))
        heading = _heading(piece.heading + _part(piece, sheet, n, len(sheets), before + n))
        pages.append((tiles, heading))
    # Every heading and label of the piece in one dot process.
    graphs = [drawn.graph for tiles, _ in pages for *_, labels in tiles for drawn in labels]
    graphs_pdf([*graphs, *(heading for _, heading in pages)], piece.heading)
    for tiles, heading in pages:
        canvas = Canvas(writer, paper)
        for tile, corner, labels in tiles:
            place_tile(canvas, form, piece.cuts, tile, scale, corner)
            for drawn in labels:
                label = add_form(writer, graph_bytes(drawn.graph, "pdf", piece.heading))
                canvas.draw(label, label.bounds, drawn.at, drawn.scale)
        head = add_form(writer, graph_bytes(heading, "pdf", piece.heading))
        left, bottom, right, top = head.bounds
        at = ((page_w - (right - left)) / 2, page_h - MARGIN - (HEADER_H + top - bottom) / 2)
        canvas.draw(head, head.bounds, at, 1.0)
        canvas.close()


def _table_scale(piece: _Piece, paper: tuple[float, float]) -> float:
    """The scale of a table sharing a page: as printed alone, at most its own size."""
    left, _, right, _ = piece.cuts.bounds
    return min(1.0, _room(paper)[0] / (right - left))


def _share(pieces: Sequence[_Piece], paper: tuple[float, float]) -> bool:
    """Whether tables and text (the last RACI table, the findings) fit one page, one
    under the other, each under its heading and no smaller than a table alone."""
    if any(p.lanes or p.one_page or p.cuts.xs for p in pieces):
        return False
    scales = [_table_scale(p, paper) for p in pieces]
    if min(scales) < TABLE_SCALE:
        return False
    high = sum((p.cuts.bounds[3] - p.cuts.bounds[1]) * k for p, k in zip(pieces, scales, strict=True))
    return high + HEADER_H * (len(pieces) - 1) <= _room(paper)[1]


def _place_together(writer: PdfWriter, pieces: Sequence[_Piece], paper: tuple[float, float]) -> None:
    """Pieces that :func:`_share` a page, one under another, each under its heading."""
    page_w, page_h = paper
    canvas = Canvas(writer, paper)
    top = page_h - MARGIN
    for piece in pieces:
        head = add_form(writer, graph_bytes(_heading(piece.heading), "pdf", piece.heading))
        left, bottom, right, high = head.bounds
        canvas.draw(
            head, head.bounds, ((page_w - (right - left)) / 2, top - (HEADER_H + high - bottom) / 2), 1.0
        )
        top -= HEADER_H
        scale = _table_scale(piece, paper)
        form = add_form(writer, piece.pdf)
        left, bottom, right, high = form.bounds
        canvas.draw(
            form, form.bounds, ((page_w - (right - left) * scale) / 2, top - (high - bottom) * scale), scale
        )
        top -= (high - bottom) * scale
    canvas.close()


def _cover(document: Document, paper: tuple[float, float], heading: str) -> _Piece:
    """The overview with as many phases a row as let it fill the page largest,
    its smallest text readable where any choice allows."""
    best: tuple[bool, float, bytes] | None = None
    room_w, room_h = _room(paper)
    graphs = []
    for per_row in range(max(PER_ROW, 1), 0, -1):
        graph = overview_graph(document.workflow, per_row)
        graph.attr("graph", margin="0")
        graphs.append(graph)
    for data in graphs_pdf(graphs, "the lifecycle overview"):
        left, bottom, right, top = _bounds(data)
        scale = min(room_w / (right - left), room_h / (top - bottom))
        candidate = (scale >= _floor(data), scale, data)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    assert best is not None
    return _Piece(heading, best[2], whole(_bounds(best[2])), one_page=True)


def _groups(roles: Sequence[Lane], most: int) -> list[list[Lane]]:
    """The fewest consecutive groups of at most ``most`` role columns, as even as
    they can be (a group of one role beside groups of five wastes a page)."""
    if not roles:
        return []
    count = math.ceil(len(roles) / most)
    size, extra = divmod(len(roles), count)
    groups: list[list[Lane]] = []
    at = 0
    for n in range(count):
        take = size + (1 if n < extra else 0)
        groups.append(list(roles[at : at + take]))
        at += take
    return groups


def _lines(text: str, width: int, most: int = 3) -> str:
    """``text`` as HTML lines of about ``width`` characters, broken only between words."""
    lines = label_lines(text, width)
    if len(lines) > most:
        lines = [*lines[: most - 1], lines[most - 1] + "…"]
    return "<br/>".join(html_text(t) for t in lines) if text else " "


def _task_cell(title: str, task: str) -> str:
    """A RACI row's task: its title wrapped, then its id in grey, on the title's last
    line where it fits there, else on a line of its own."""
    lines = wrap(title, RACI_TASK_WRAP, max_lines=3)
    tag = f"({task})"
    text = "<br/>".join(html_text(line) for line in lines)
    gap = " " if len(lines[-1]) + 1 + len(tag) <= RACI_TASK_WRAP else "<br/>"
    return f'{text}{gap}<font color="#555555">{html_text(tag)}</font>'


def _org_head(name: str, room: int) -> str:
    """An organization's name over its columns, or its initials where a word of it
    is longer than ``room`` characters (the key under the table spells it out)."""
    if room >= 8 or max(map(len, name.split()), default=0) <= room:
        return name
    return "".join(word[0] for word in name.split() if word[:1].isalnum()).upper()


def _raci_table(
    matrix: RaciMatrix, roles: Sequence[Lane], rows: Sequence[int], numbered: bool = False
) -> graphviz.Digraph:
    """One RACI table of ``rows``: the task column (title and id), then ``roles``
    under their organizations; each phase opens with a row of its own. A
    ``numbered`` table heads each role's column with its number and names the
    numbers in a key under the table, so many roles share a page."""
    index = [matrix.roles.index(role) for role in roles]
    grey = 'bgcolor="#e0e0e0"'
    orgs: list[tuple[str, list[int]]] = []
    for i, role in zip(index, roles, strict=True):
        if orgs and orgs[-1][0] == role.org_title:
            orgs[-1][1].append(i)
        else:
            orgs.append((role.org_title, [i]))
    wrap_org = RACI_NUMBER_WRAP if numbered else RACI_ROLE_WRAP
    out = [f"<tr><td {grey}> </td>"]
    for org, keys in orgs:
        room = wrap_org * len(keys)
        out.append(
            f'<td colspan="{len(keys)}" {grey}><b>{_lines(_org_head(org, room), max(room, 8), 4)}</b></td>'
        )
    out.append("</tr><tr>")
    heads = [str(i + 1) for i in index] if numbered else [role.title for role in roles]
    out += [f"<td {grey}><b>{_lines(text, RACI_ROLE_WRAP, 4)}</b></td>" for text in ["Task (id)", *heads]]
    out.append("</tr>")
    phase = None
    for r in rows:
        row = matrix.rows[r]
        if row.phase != phase:
            phase = row.phase
            out.append(
                f'<tr><td colspan="{1 + len(roles)}" align="left" balign="left" bgcolor="#f4f4f4">'
                f"<b>{_lines(phase, 120, 1)}</b></td></tr>"
            )
        task = _task_cell(row.title, row.task)
        cells = [
            f'<td align="left" balign="left">{task}</td>',
            *(f"<td><b>{html_text(row.cells[i]) or ' '}</b></td>" for i in index),
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
    if numbered:
        # The key, no wider than the columns over it: a task column of about 5.5
        # points a character and number columns of about 20, at some 5.8 points a
        # character of the key.
        width = max(60, int((RACI_TASK_WRAP * 5.5 + len(roles) * 20) / 5.8))
        # One paragraph, organizations one after another: a line each would leave
        # a short line per organization of one or two roles.
        key = " · ".join(
            f"{org}: " + "; ".join(f"{i + 1} {matrix.roles[i].title}" for i in keys) for org, keys in orgs
        )
        lines = wrap(key, width)
        text = "<br/>".join(html_text(line) for line in lines)
        out.append(f'<tr><td colspan="{1 + len(roles)}" align="left" balign="left">{text}</td></tr>')
    table = '<<table border="0" cellborder="1" cellspacing="0" cellpadding="2">' + "".join(out) + "</table>>"
    g = graphviz.Digraph("raci")
    g.attr("graph", pad="0.1", margin="0")
    g.node("t", table, shape="plaintext", fontname=style.FONT, fontsize="10")
    return g


def _raci_pieces(document: Document, paper: tuple[float, float]) -> list[_Piece]:
    """The RACI in tables that each fit a page: role columns in groups (the task
    columns repeated on each), rows split where a group's tasks run long. A group
    lists only the tasks its roles have a part in. Where the roles' titles over
    their columns would need more than one group, the columns are numbered and a
    key under each table names them: one table then holds every role or most."""
    matrix = raci_matrix(document.workflow)
    room_w, room_h = _room(paper)
    everything = list(range(len(matrix.rows)))

    def drawn(roles: Sequence[Lane], rows: Sequence[int], numbered: bool) -> bytes:
        return graph_bytes(_raci_table(matrix, roles, rows, numbered), "pdf", "the RACI matrix")

    def drawn_together(groups: Sequence[Sequence[Lane]], rows: Sequence[int], numbered: bool) -> list[bytes]:
        """The tables of ``groups`` of roles, drawn by one dot process."""
        return graphs_pdf([_raci_table(matrix, group, rows, numbered) for group in groups], "the RACI matrix")

    def size(data: bytes) -> tuple[float, float]:
        left, bottom, right, top = _bounds(data)
        return right - left, top - bottom

    def most_a_table(numbered: bool) -> int:
        """As many role columns a table as fit the page's width, measured on drawn tables."""
        first, second = drawn_together([matrix.roles[:1], matrix.roles[:2]], everything, numbered)
        one = size(first)[0]
        per_role = max(16.0, size(second)[0] - one)
        most = max(1, int((room_w / TABLE_SCALE - one) // per_role) + 1)
        while most > 1 and not all(
            size(data)[0] * TABLE_SCALE <= room_w
            for data in drawn_together(_groups(matrix.roles, most), everything, numbered)
        ):
            most -= 1
        return most

    most = most_a_table(False)
    numbered = len(_groups(matrix.roles, most)) > 1
    if numbered:
        most = most_a_table(True)
    tables: list[tuple[str, bytes]] = []
    for group in _groups(matrix.roles, most) or [[]]:
        index = [matrix.roles.index(role) for role in group]
        rows = [r for r, row in enumerate(matrix.rows) if not group or any(row.cells[i] for i in index)]
        orgs = ", ".join(dict.fromkeys(role.org_title for role in group))
        # Rows a page from the average row of the whole group's table; a chunk that
        # still runs long keeps the share of its rows that fits.
        high = size(drawn(group, rows, numbered))[1]
        per_page = max(1, int(len(rows) * (room_h / TABLE_SCALE - 60) / high))
        at = 0
        while at < len(rows):
            take = min(per_page, len(rows) - at)
            data = drawn(group, rows[at : at + take], numbered)
            while take > 1 and size(data)[1] * TABLE_SCALE > room_h:
                take = max(1, min(take - 1, int(take * room_h / (size(data)[1] * TABLE_SCALE))))
                data = drawn(group, rows[at : at + take], numbered)
            tables.append((orgs, data))
            at += take
    pieces = []
    for n, (orgs, data) in enumerate(tables, start=1):
        part = f" ({n} of {len(tables)}: {orgs})" if len(tables) > 1 else ""
        title = f"RACI: A accountable, R responsible, C consulted, I informed{part}"
        pieces.append(_plain(title, data))
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
    graphs = []
    for chunk in chunks:
        g = graphviz.Digraph("findings")
        g.attr("graph", pad="0.2", margin="0")
        g.node("f", dot_label(chunk, justify="left"), shape="plaintext", fontname=style.FONT, fontsize="10")
        graphs.append(g)
    pieces = []
    for n, data in enumerate(graphs_pdf(graphs, "the findings")):
        part = f" ({n + 1} of {len(chunks)})" if len(chunks) > 1 else ""
        pieces.append(_plain(f"Check findings: {len(found)}{part}", data))
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
    size = PAPERS[paper]

    def say(what: str) -> None:
        if progress is not None:
            progress(f"drawing {what}")

    say("the cover")
    pieces = [_cover(document, size, f"{title}: the lifecycle")]
    for n, (pid, phase) in enumerate(workflow.phases.items(), start=1):
        heading = f"Phase {n} of {len(workflow.phases)}: {phase.title}"
        say(heading)
        pieces.append(_drawn_lane_piece(heading, build_map(document, phases=[pid], spacing=PRINT)))
    for jid, journey in workflow.journeys.items():
        heading = f"Journey: {journey.title}"
        say(heading)
        pieces.append(_drawn_lane_piece(heading, build_map(document, journey=jid, spacing=PRINT)))
    say("the RACI matrix")
    pieces += _raci_pieces(document, size)
    say("the findings")
    pieces += _findings_pieces(document)
    writer = PdfWriter()
    at = 0
    while at < len(pieces):
        if at + 1 < len(pieces) and _share(pieces[at : at + 2], size):
            _place_together(writer, pieces[at : at + 2], size)
            at += 2
        else:
            _place(writer, pieces[at], size)
            at += 1
    writer.add_metadata({"/Title": f"{title}: map book", "/Creator": "lifecycle"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
