"""Fit a drawing onto landscape pages: whole when its smallest text stays readable,
else cut along its natural seams.

A drawing is scaled to fill the page's room, but never so far that its smallest
text falls below :data:`FLOOR_PT` (measured in the drawing's own PDF, so every
kind of label counts). When the whole drawing cannot be that large, it is cut
into tiles: between lanes (at an organization's boundary where that wastes
little of the page) and between task columns, never through a card. Every tile
repeats the lane labels on its left and the phase headers on its top, so each
part reads on its own. Consecutive parts smaller than a page share one (a band's
narrow last columns beside the next band's, short bands one under another), and
the legend goes under or beside a part on the first page with room for it.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)

__all__ = [
    "FLOOR_PT",
    "MAX_SCALE",
    "Canvas",
    "Cuts",
    "Form",
    "Rect",
    "Sheet",
    "Tile",
    "add_form",
    "pack",
    "place_tile",
    "plan_tiles",
    "smallest_text",
    "spans",
    "tile_size",
    "whole",
]

FLOOR_PT = 8.0
"""The smallest text size a printed page or a projected slide still reads."""

MAX_SCALE = 1.5
"""Small drawings grow to fill the page, up to this factor."""

SHEET_GAP = 14.0
"""Room between two tiles that share a page (points)."""

PREFERRED_SHARE = 0.9
"""A preferred cut (an organization's boundary) is taken when its span uses at least
this share of the room a page has; otherwise the farthest cut that fits is taken."""

Rect = tuple[float, float, float, float]
"""(left, bottom, right, top) in a drawing's PDF points."""


@dataclass(frozen=True)
class Cuts:
    """Where a drawing may be cut, in its PDF points (y grows upwards).

    The drawing is a body of lanes and columns with a strip of lane labels on
    its left (``strip``: left edge to ``body_left``), headers above it
    (``body_top`` to the top edge) and an optional legend below it
    (``footer``).
    """

    bounds: Rect
    """The drawing's whole extent."""

    body_left: float
    body_top: float
    body_bottom: float
    xs: tuple[float, ...] = ()
    """x of every place a page may end on the right (after a column of cards)."""

    preferred_xs: frozenset[float] = field(default_factory=frozenset)
    """The xs between two blocks (phases, journey stages)."""

    ys: tuple[float, ...] = ()
    """y of every place a page may end at the bottom (between two lanes)."""

    preferred_ys: frozenset[float] = field(default_factory=frozenset)
    """The ys between two organizations."""

    footer: Rect | None = None


@dataclass(frozen=True)
class Tile:
    """One page's part of a drawing: its body span, and where the legend goes."""

    x: tuple[float, float]
    y: tuple[float, float]
    """(bottom, top)."""

    footer: bool = False


# Graphviz draws through cairo, which escapes every parenthesis inside a literal
# string, so a string is a run of escapes and other bytes between two parentheses.
_TOKEN = re.compile(
    rb"\((?:\\.|[^\\()])*\)"  # literal string
    rb"|<[0-9A-Fa-f\s]*>"  # hex string
    rb"|/[^\s/\[\]()<>{}%]*"  # name
    rb"|[-+]?(?:\d+\.?\d*|\.\d+)"  # number
    rb"|[A-Za-z'\"*]+",  # operator
    re.S,
)
_SHOW = frozenset((b"Tj", b"TJ", b"'", b'"'))
_ESCAPE = re.compile(rb"\\(?:[0-7]{1,3}|.)", re.S)
Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _times(m: Matrix, n: Matrix) -> Matrix:
    """The matrix product ``m`` x ``n`` of two PDF transformation matrices."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _shows_something(operands: Sequence[bytes]) -> bool:
    """Whether the strings a text-showing operator draws hold more than white space.

    A hex string's bytes are glyph numbers whose characters only the font knows,
    so it counts as text: a label of nothing but non-ASCII spaces (which cairo
    writes as glyph numbers) is measured as text, erring towards a larger print.
    """
    for token in operands:
        if token.startswith(b"<"):
            return True
        if token.startswith(b"(") and _ESCAPE.sub(b"x", token[1:-1]).strip():
            return True
    return False


def smallest_text(page: PageObject) -> float:
    """The size in points of the smallest text drawn on ``page`` (inf when none).

    The size is the font size times the vertical scale of the text and
    transformation matrices in force, which is what a reader sees. The page's
    content is scanned for the operators that set them (``q``, ``Q``, ``cm``,
    ``BT``, ``Tm``, ``Tf``) and those that show text; a full text extraction
    would decode every glyph, a hundred times the work.
    """
    contents = page.get_contents()
    if contents is None:
        return math.inf
    ctm, tm, size = _IDENTITY, _IDENTITY, 0.0
    # The text size is part of the graphics state, which q saves and Q restores.
    saved: list[tuple[Matrix, float]] = []
    operands: list[bytes] = []
    smallest = math.inf
    for token in _TOKEN.findall(contents.get_data()):
        head = token[:1]
        if not (head.isalpha() or head in b"'\"*"):
            operands.append(token)
            continue
        if token == b"q":
            saved.append((ctm, size))
        elif token == b"Q":
            ctm, size = saved.pop() if saved else (_IDENTITY, 0.0)
        elif token == b"cm" and len(operands) >= 6:
            ctm = _times(_matrix(operands[-6:]), ctm)
        elif token == b"BT":
            tm = _IDENTITY
        elif token == b"Tm" and len(operands) >= 6:
            tm = _matrix(operands[-6:])
        elif token == b"Tf" and operands:
            size = abs(float(operands[-1]))
        elif token in _SHOW and size > 0 and _shows_something(operands):
            # Row 2 of tm x ctm: how far one unit of text height reaches on the page.
            seen = _times(tm, ctm)
            smallest = min(smallest, size * math.hypot(seen[2], seen[3]))
        operands.clear()
    return smallest


def _matrix(operands: Sequence[bytes]) -> Matrix:
    a, b, c, d, e, f = (float(v) for v in operands)
    return (a, b, c, d, e, f)


def spans(
    start: float,
    end: float,
    room: float,
    cuts: Collection[float],
    preferred: Collection[float] = (),
    even: bool = False,
) -> list[tuple[float, float]]:
    """Split ``start``..``end`` into consecutive spans no longer than ``room``.

    Each span ends at the farthest cut that fits, or at a preferred cut when
    that still fills :data:`PREFERRED_SHARE` of ``room``; where no cut fits, the
    span is cut at ``room``. ``even`` spans are as many, cut as if the room were
    the shortest that still gives that many: a last span of almost nothing
    (one column of a map, one lane) takes its share of the rest.

    >>> spans(0, 100, 40, [30, 45, 60, 90])
    [(0, 30), (30, 60), (60, 100)]
    >>> spans(0, 100, 70, [30, 45, 60, 90], even=True)
    [(0, 45), (45, 100)]
    """
    if even:
        count = len(spans(start, end, room, cuts, preferred))
        low, high = (end - start) / max(count, 1), room
        for _ in range(30):
            mid = (low + high) / 2
            if len(spans(start, end, mid, cuts, preferred)) <= count:
                high = mid
            else:
                low = mid
        return spans(start, end, high, cuts, preferred)
    found: list[tuple[float, float]] = []
    at = start
    while end - at > 1e-6:
        if end - at <= room + 1e-6:
            found.append((at, end))
            break
        fitting = [c for c in cuts if at + 1e-6 < c <= at + room + 1e-6]
        liked = [c for c in fitting if c in preferred and c - at >= PREFERRED_SHARE * room]
        stop = max(liked) if liked else max(fitting) if fitting else at + room
        found.append((at, stop))
        at = stop
    return found


Even = tuple[bool, bool]
"""Whether a drawing's columns, and its lanes, are cut into even spans (see :func:`spans`)."""


def _tiles(cuts: Cuts, scale: float, room: tuple[float, float], even: Even = (False, False)) -> list[Tile]:
    """The body cut into tiles of at most a page's room at ``scale``, lanes top down
    and columns left to right (``even`` spans of them), then the legend as a tile of its own."""
    left, _, right, top = cuts.bounds
    strip_w = cuts.body_left - left
    header_h = top - cuts.body_top
    wide = room[0] / scale - strip_w
    high = room[1] / scale - header_h
    if wide <= 0 or high <= 0:
        return []
    xs = spans(cuts.body_left, right, wide, cuts.xs, cuts.preferred_xs, even[0])
    # Lanes are cut from the top down: measure downwards from the body's top.
    down = spans(
        0.0,
        cuts.body_top - cuts.body_bottom,
        high,
        [cuts.body_top - y for y in cuts.ys],
        {cuts.body_top - y for y in cuts.preferred_ys},
        even[1],
    )
    ys = [(cuts.body_top - b, cuts.body_top - a) for a, b in down]
    tiles = [Tile(x, y) for y in ys for x in xs]
    if cuts.footer is not None and tiles:
        f_left, f_bottom, f_right, f_top = cuts.footer
        tiles.append(Tile((f_left, f_right), (f_bottom, f_top), footer=True))
    return tiles


@dataclass(frozen=True)
class Sheet:
    """One page of a drawing: its tiles, each with where its top-left corner goes,
    measured from the top-left corner of the page's room (points, y downwards)."""

    tiles: tuple[tuple[Tile, tuple[float, float]], ...]


def pack(
    sizes: Sequence[tuple[float, float]],
    room: tuple[float, float],
    gap: float,
    anywhere: Collection[int] = (),
) -> list[list[tuple[int, tuple[float, float]]]]:
    """Put boxes of ``sizes`` on pages of ``room`` in their order (shelf packing):
    each box goes beside the boxes of the last page's last shelf, or on a new shelf
    under them, or on a new page. A box of ``anywhere`` (a legend) goes on the
    first page with room for it instead, so the parts keep their reading order.

    Returns
    -------
    list
        Per page, each of its boxes' index and where its top-left corner goes,
        from the room's top-left corner (y downwards).

    >>> pack([(500, 300), (200, 300), (300, 200), (500, 200)], (740, 540), 10)
    [[(0, (0.0, 0.0)), (1, (510.0, 0.0)), (2, (0.0, 310.0))], [(3, (0.0, 0.0))]]
    """
    pages: list[list[tuple[int, tuple[float, float]]]] = []
    shelves: list[list[list[float]]] = []
    """Per page, each shelf's top, width used and height."""
    for index, (w, h) in enumerate(sizes):
        tried = range(len(pages)) if index in anywhere else range(max(0, len(pages) - 1), len(pages))
        for at in tried:
            page, page_shelves = pages[at], shelves[at]
            y, used, high = page_shelves[-1]
            if used + gap + w <= room[0] + 1e-6 and y + max(high, h) <= room[1] + 1e-6:
                page.append((index, (float(used + gap), y)))
                page_shelves[-1] = [y, used + gap + w, max(high, h)]
                break
            if y + high + gap + h <= room[1] + 1e-6 and w <= room[0] + 1e-6:
                page.append((index, (0.0, y + high + gap)))
                page_shelves.append([y + high + gap, w, h])
                break
        else:
            pages.append([(index, (0.0, 0.0))])
            shelves.append([[0.0, w, h]])
    return pages


def _sheets(
    cuts: Cuts,
    scale: float,
    room: tuple[float, float],
    keep: Callable[[Tile], float],
    even: Even = (False, False),
) -> list[Sheet]:
    """The tiles at ``scale`` packed onto pages. Where that leaves the legend on a
    page of its own, the lanes are cut into shorter bands that leave room for it
    under one of them."""

    def packed(body_room: tuple[float, float]) -> list[Sheet]:
        tiles = [t for t in _tiles(cuts, scale, body_room, even) if t.footer or keep(t) > 0]
        sizes = [(w * scale, h * scale) for w, h in (tile_size(cuts, t) for t in tiles)]
        legends = [i for i, t in enumerate(tiles) if t.footer]
        return [
            Sheet(tuple((tiles[i], at) for i, at in page)) for page in pack(sizes, room, SHEET_GAP, legends)
        ]

    sheets = packed(room)
    if cuts.footer is None or not any(len(s.tiles) == 1 and s.tiles[0][0].footer for s in sheets):
        return sheets
    legend = (cuts.footer[3] - cuts.footer[1]) * scale + SHEET_GAP
    shorter = packed((room[0], room[1] - legend))
    return shorter if shorter and room[1] - legend > 0 else sheets


def plan_tiles(
    cuts: Cuts, room: tuple[float, float], floor: float, keep: Callable[[Tile], float] = lambda _: 1.0
) -> tuple[float, list[Sheet]]:
    """The scale and pages that show a drawing on the fewest pages, as large as
    that number of pages allows, never below ``floor``.

    Parameters
    ----------
    cuts
        The drawing's extent and seams.
    room
        Width and height a page leaves for the drawing, in points.
    floor
        The smallest scale the drawing may be shown at.
    keep
        How much a tile of the body holds (a part with nothing on it, 0, is
        left out): of the cuts that take the fewest pages, those whose
        emptiest part holds most are taken.

    Returns
    -------
    tuple
        The scale and the pages, each with its tiles: a single tile with the
        whole body and the legend when the drawing fits one page; else the
        tiles of the body packed onto pages, several a page where they fit,
        and the legend under or beside one of them where it fits.
    """
    left, bottom, right, top = cuts.bounds
    whole = min(room[0] / (right - left), room[1] / (top - bottom), MAX_SCALE)
    one = [
        Sheet(((Tile((cuts.body_left, right), (cuts.body_bottom, cuts.body_top), footer=True), (0.0, 0.0)),))
    ]
    if whole >= floor:
        return whole, one
    best = _sheets(cuts, floor, room, keep)
    if not best:
        # The labels alone are wider than the page: show it whole, as large as it fits.
        return whole, one
    # Even spans of columns or lanes where they take no more pages: no part of almost
    # nothing. Each way is grown first, since a larger scale cuts elsewhere.
    plans = []
    for even in ((x, y) for x in (False, True) for y in (False, True)):
        if 0 < len(_sheets(cuts, floor, room, keep, even)) <= len(best):
            scale = _grown(cuts, room, floor, keep, even, len(best))
            plans.append((scale, _sheets(cuts, scale, room, keep, even)))
    return max(plans, key=lambda plan: (*_worth(plan[1], keep), plan[0]))


def _grown(
    cuts: Cuts, room: tuple[float, float], floor: float, keep: Callable[[Tile], float], even: Even, most: int
) -> float:
    """The largest scale from ``floor`` that still shows the drawing on ``most`` pages."""
    low, high = floor, max(floor, MAX_SCALE)
    for _ in range(20):
        mid = (low + high) / 2
        if 0 < len(_sheets(cuts, mid, room, keep, even)) <= most:
            low = mid
        else:
            high = mid
    return low


def _worth(sheets: Sequence[Sheet], keep: Callable[[Tile], float]) -> tuple[int, float]:
    """How good a plan of ``sheets`` is: fewer pages, then the most its emptiest
    part of the body holds."""
    held = [keep(tile) for sheet in sheets for tile, _ in sheet.tiles if not tile.footer]
    return -len(sheets), min(held, default=0.0)


@dataclass(frozen=True)
class Form:
    """A drawing added once to the PDF being written, to be drawn on any page."""

    ref: IndirectObject
    bounds: Rect


def add_form(writer: PdfWriter, data: bytes) -> Form:
    """Add the first page of PDF ``data`` to ``writer`` as a form XObject.

    Each page then draws parts of it by reference, so a map cut over ten pages
    is stored once and no page's content is parsed again.
    """
    page = PdfReader(io.BytesIO(data)).pages[0]
    contents = page.get_contents()
    form = DecodedStreamObject()
    form.set_data(contents.get_data() if contents is not None else b"")
    box = page.mediabox
    bounds = (float(box.left), float(box.bottom), float(box.right), float(box.top))
    resources = page.get("/Resources")
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(v) for v in bounds]),
            NameObject("/Resources"): (
                resources.get_object().clone(writer) if resources is not None else DictionaryObject()
            ),
        }
    )
    return Form(writer._add_object(form), bounds)


class Canvas:
    """A page being composed of windows onto forms; :meth:`close` writes it."""

    def __init__(self, writer: PdfWriter, size: tuple[float, float]) -> None:
        self.page = writer.add_blank_page(*size)
        self.writer = writer
        self.names: dict[int, str] = {}
        self.refs: dict[str, IndirectObject] = {}
        self.ops: list[str] = []

    def draw(self, form: Form, window: Rect, at: tuple[float, float], scale: float) -> None:
        """Draw the ``window`` of ``form`` scaled by ``scale`` with its lower-left
        corner at ``at``; the rest of the form is clipped away."""
        w, h = window[2] - window[0], window[3] - window[1]
        if w <= 0 or h <= 0:
            return
        name = self.names.setdefault(form.ref.idnum, f"/D{len(self.names)}")
        self.refs[name] = form.ref
        e, f = at[0] - scale * window[0], at[1] - scale * window[1]
        self.ops.append(
            f"q {at[0]:.3f} {at[1]:.3f} {w * scale:.3f} {h * scale:.3f} re W n "
            f"{scale:.5f} 0 0 {scale:.5f} {e:.3f} {f:.3f} cm {name} Do Q"
        )

    def close(self) -> None:
        """Write the page's content and resources."""
        content = DecodedStreamObject()
        content.set_data("\n".join(self.ops).encode("ascii"))
        xobjects = DictionaryObject({NameObject(n): ref for n, ref in self.refs.items()})
        self.page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
        self.page[NameObject("/Contents")] = self.writer._add_object(content)


def place_tile(
    canvas: Canvas,
    form: Form,
    cuts: Cuts,
    tile: Tile,
    scale: float,
    corner: tuple[float, float],
) -> None:
    """Draw ``tile`` of a drawing on ``page`` with its top-left corner at ``corner``:
    the lane labels and headers of the tile's span around its body, or the legend
    alone for a legend tile.

    Parameters
    ----------
    canvas
        The page to draw on.
    form
        The drawing.
    cuts
        The drawing's extent and seams.
    tile
        Which part to draw.
    scale
        How much to scale the drawing.
    corner
        Where the top-left corner of the tile goes on the page.
    """
    left, _, _, top = cuts.bounds
    x0, y0 = corner
    if tile.y[1] <= cuts.body_bottom:
        # The legend on a page of its own.
        window = (tile.x[0], tile.y[0], tile.x[1], tile.y[1])
        canvas.draw(form, window, (x0, y0 - (tile.y[1] - tile.y[0]) * scale), scale)
        return
    strip = cuts.body_left - left
    header = top - cuts.body_top
    body_x = x0 + strip * scale
    body_y = y0 - (header + tile.y[1] - tile.y[0]) * scale
    pieces = [
        ((left, cuts.body_top, cuts.body_left, top), (x0, y0 - header * scale)),
        ((tile.x[0], cuts.body_top, tile.x[1], top), (body_x, y0 - header * scale)),
        ((left, tile.y[0], cuts.body_left, tile.y[1]), (x0, body_y)),
        ((tile.x[0], tile.y[0], tile.x[1], tile.y[1]), (body_x, body_y)),
    ]
    for window, at in pieces:
        canvas.draw(form, window, at, scale)
    if tile.footer and cuts.footer is not None:
        f = cuts.footer
        canvas.draw(form, f, (x0, body_y - (f[3] - f[1]) * scale), scale)


def tile_size(cuts: Cuts, tile: Tile) -> tuple[float, float]:
    """Width and height of ``tile`` in the drawing's points, labels, headers and legend included."""
    left, _, _, top = cuts.bounds
    if tile.y[1] <= cuts.body_bottom:
        return tile.x[1] - tile.x[0], tile.y[1] - tile.y[0]
    width = cuts.body_left - left + tile.x[1] - tile.x[0]
    height = top - cuts.body_top + tile.y[1] - tile.y[0]
    if tile.footer and cuts.footer is not None:
        width = max(width, cuts.footer[2] - cuts.footer[0])
        height += cuts.footer[3] - cuts.footer[1]
    return width, height


def whole(bounds: Rect) -> Cuts:
    """The cuts of a drawing with no seams: it is one body, shown whole."""
    left, bottom, _, top = bounds
    return Cuts(bounds, left, top, bottom)
