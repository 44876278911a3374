"""The map book's print layout: short books at a true 8 points.

Every shipped workflow's A4 book stays within the page count reached with the
denser print layout, holds no page of only a legend, and every word of it is 8
points or more (the Letter books are read in tests/test_render_book.py). On the
print layout's geometry: no two cards overlap, every card stands in its lane, and
a tie runs through no card or chip but its own, also where chips share a row.
Parts of a map packed onto one page never overlap.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_render_book import WORKFLOWS, _texts, _words, shipped_books

from lifecycle.drawing.draw import footer_lines
from lifecycle.drawing.journey import journey_map
from lifecycle.drawing.label_place import label_box, place_labels
from lifecycle.drawing.labels import wrap
from lifecycle.drawing.layout import PRINT, SCREEN, Box, place
from lifecycle.drawing.page_fit import FLOOR_PT, pack
from lifecycle.drawing.route import route_links
from lifecycle.drawing.swimlane import swimlane_map
from lifecycle.loader import load

ROOT = Path(__file__).resolve().parent.parent
A4_MOST_PAGES = {
    "cbo-network-formation": 26,
    "fhir-referral-task": 4,
    "payer-cbo-partnership": 26,
    "payer-cch-network": 30,
}
"""The page counts the print layout reaches on A4 (Letter's are in test_render_book)."""

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")


@pytest.fixture(scope="module")
def a4_books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return shipped_books(tmp_path_factory, "a4")


@pytest.mark.parametrize("stem", [p.stem for p in WORKFLOWS])
def test_each_a4_book_stays_within_the_pages_the_print_layout_reached(
    a4_books: dict[str, Path], stem: str
) -> None:
    texts = _texts(a4_books[stem])
    assert len(texts) <= A4_MOST_PAGES[stem]
    assert not [n for n, text in enumerate(texts, 1) if "(legend)" in text], "a page holds only a legend"


@needs_poppler
@pytest.mark.parametrize("stem", [p.stem for p in WORKFLOWS])
def test_no_word_of_an_a4_book_is_smaller_than_8_points(a4_books: dict[str, Path], stem: str) -> None:
    # Graphviz's Helvetica: poppler's word box is as tall as the size (see test_render_book).
    per_point = _calibrated()
    for number, words in enumerate(_words(a4_books[stem]), 1):
        assert words, f"page {number} is empty"
        word, height = min(words, key=lambda w: w[1])
        assert height / per_point >= FLOOR_PT * 0.99, f"page {number}: {word!r}"


def _calibrated() -> float:
    import tempfile

    import graphviz

    g = graphviz.Digraph()
    g.node("n", "Calibrate", shape="plaintext", fontname="Helvetica", fontsize="10")
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "ten.pdf"
        pdf.write_bytes(g.pipe(format="pdf"))
        [[(_, height)]] = _words(pdf)
    return height / 10


def _print_maps():
    for path in WORKFLOWS:
        workflow = load(path).workflow
        for pid in workflow.phases:
            yield f"{path.stem}:{pid}", swimlane_map(workflow, [pid])
        for jid in workflow.journeys:
            yield f"{path.stem}:{jid}", journey_map(workflow, jid)


PRINT_MAPS = list(_print_maps())


def _overlap(a: Box, b: Box) -> bool:
    (a0, a1, a2, a3), (b0, b1, b2, b3) = a.bb, b.bb
    return a0 < b2 - 0.5 and b0 < a2 - 0.5 and a1 < b3 - 0.5 and b1 < a3 - 0.5


@pytest.mark.parametrize("name, lane_map", PRINT_MAPS, ids=[n for n, _ in PRINT_MAPS])
def test_the_print_layout_is_denser_and_keeps_cards_apart_in_their_lanes(name: str, lane_map) -> None:
    geo = place(lane_map, footer_lines(lane_map), PRINT)
    screen = place(lane_map, footer_lines(lane_map), SCREEN)
    assert geo.width < screen.width and geo.height < screen.height
    for placed in geo.cards.values():
        band = geo.lanes[placed.card.lane].bb
        box = placed.box.bb
        assert band[1] <= box[1] and box[3] <= band[3], f"{placed.card.key} leaves its lane"
    for a, b in itertools.combinations(geo.cards.values(), 2):
        assert not _overlap(a.box, b.box), f"{a.card.key} overlaps {b.card.key}"


def _crosses(p: tuple[float, float], q: tuple[float, float], box: Box) -> bool:
    """Whether the level or upright segment p-q runs through the inside of ``box``."""
    x0, y0, x1, y1 = box.bb
    if abs(p[1] - q[1]) < 0.01:
        return y0 + 1 < p[1] < y1 - 1 and min(p[0], q[0]) < x1 - 1 and max(p[0], q[0]) > x0 + 1
    if abs(p[0] - q[0]) < 0.01:
        return x0 + 1 < p[0] < x1 - 1 and min(p[1], q[1]) < y1 - 1 and max(p[1], q[1]) > y0 + 1
    return False


@pytest.mark.parametrize("name, lane_map", PRINT_MAPS, ids=[n for n, _ in PRINT_MAPS])
def test_a_tie_runs_through_no_card_or_chip_but_its_own(name: str, lane_map) -> None:
    geo = place(lane_map, footer_lines(lane_map), PRINT)
    routes = route_links(geo, lane_map.links, {c.key: c.lane for c in lane_map.cards})
    side_by_side = 0
    for link in lane_map.links:
        if link.kind != "tie":
            continue
        # A tie is drawn through its corners: every third point of its B-spline.
        values = [tuple(map(float, p.split(","))) for p in routes[link.key].pos.split()]
        corners = values[::3]
        chip = geo.cards[link.head].box
        if abs(corners[-1][1] - chip.y) > 0.5:
            side_by_side += 1
        for p, q in itertools.pairwise(corners):
            for key, placed in geo.cards.items():
                if key not in (link.tail, link.head):
                    assert not _crosses(p, q, placed.box), f"{link.key} runs through {key}"
    if name == "payer-cch-network:pre-launch":
        assert side_by_side > 0, "no chips side by side where a row has room for them"


@given(
    st.lists(st.tuples(st.floats(10, 700), st.floats(10, 500)), min_size=1, max_size=25),
    st.floats(0, 20),
)
def test_packed_parts_stay_on_their_page_apart_in_order_and_each_once(
    sizes: list[tuple[float, float]], gap: float
) -> None:
    room = (752.0, 548.0)
    legend = len(sizes) - 1
    pages = pack(sizes, room, gap, [legend])
    assert sorted(i for page in pages for i, _ in page) == list(range(len(sizes)))
    # The parts keep their reading order page after page; only the legend may go back.
    order = [i for page in pages for i, _ in page if i != legend]
    assert order == sorted(order)
    for page in pages:
        boxes = []
        for i, (x, y) in page:
            w, h = sizes[i]
            assert x >= 0 and y >= 0 and x + w <= room[0] + 1e-6 and y + h <= room[1] + 1e-6
            boxes.append((x, y, x + w, y + h))
        for a, b in itertools.combinations(boxes, 2):
            assert a[2] <= b[0] + 1e-6 or b[2] <= a[0] + 1e-6 or a[3] <= b[1] + 1e-6 or b[3] <= a[1] + 1e-6
    # The first box always opens the first page at its corner.
    assert pages[0][0] == (0, (0.0, 0.0))


@pytest.mark.parametrize("name, lane_map", PRINT_MAPS, ids=[n for n, _ in PRINT_MAPS])
def test_no_arrow_label_of_a_print_map_covers_a_card_or_another_label(name: str, lane_map) -> None:
    geo = place(lane_map, footer_lines(lane_map), PRINT)
    routes = route_links(geo, lane_map.links, {c.key: c.lane for c in lane_map.cards})
    texts = {
        link.key: wrap(link.label, PRINT.label_wrap, max_lines=3) for link in lane_map.links if link.label
    }
    spots = place_labels(geo, routes, texts)
    boxes = {key: label_box(texts[key], *spot) for key, spot in spots.items()}
    for (a, box_a), (b, box_b) in itertools.combinations(boxes.items(), 2):
        assert not _overlap(box_a, box_b), f"the labels of {a} and {b} overlap"
    for key, box in boxes.items():
        for placed in geo.cards.values():
            assert not _overlap(box, placed.box), f"the label of {key} covers {placed.card.key}"


@pytest.mark.parametrize("name, lane_map", PRINT_MAPS, ids=[n for n, _ in PRINT_MAPS])
def test_stacked_chips_follow_their_cards_so_their_ties_never_cross(name: str, lane_map) -> None:
    geo = place(lane_map, footer_lines(lane_map), PRINT)
    chips = [p for p in geo.cards.values() if p.card.kind == "chip" and p.card.attached_to]
    for a, b in itertools.permutations(chips, 2):
        same_cell = a.card.lane == b.card.lane and abs(a.box.x - b.box.x) < 1
        if same_cell and a.box.y > b.box.y + 1:
            above, below = geo.cards[a.card.attached_to].box, geo.cards[b.card.attached_to].box
            assert above.y >= below.y - 1, f"{a.card.key} stands over {b.card.key}, but its card below"
