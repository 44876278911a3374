"""The map book cuts a map into parts that each hold something: where even spans
of columns or lanes take no more pages, no part is a sliver with almost nothing
on it (as phase 2 of payer-cbo-partnership had: one chip on a whole page), and a
part names its columns as the layout numbers them."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_render_book import _texts, shipped_books

from lifecycle.drawing.draw import footer_lines
from lifecycle.drawing.layout import PRINT, place
from lifecycle.drawing.page_fit import Cuts, Tile, plan_tiles, spans
from lifecycle.drawing.swimlane import swimlane_map
from lifecycle.loader import load

ROOT = Path(__file__).resolve().parent.parent


@given(
    st.floats(100, 3000),
    st.floats(50, 800),
    st.lists(st.floats(0, 1), max_size=30),
)
def test_even_spans_are_as_many_cover_the_length_and_none_is_longer_than_the_longest_greedy(
    length: float, room: float, fractions: list[float]
) -> None:
    cuts = sorted({round(f * length, 3) for f in fractions} - {0.0, round(length, 3)})
    greedy = spans(0.0, length, room, cuts)
    even = spans(0.0, length, room, cuts, even=True)
    assert len(even) == len(greedy)
    assert even[0][0] == 0.0 and even[-1][1] == length
    assert all(a[1] == b[0] for a, b in itertools.pairwise(even))
    assert max(b - a for a, b in even) <= max(b - a for a, b in greedy) + 1e-6


def test_a_narrow_last_column_joins_its_share_of_the_columns_not_a_part_of_its_own() -> None:
    # Nine columns of 80 points and a last one of 40, one card each: cut greedily,
    # the last part would hold the last column or two alone.
    xs = [100.0 + 80 * i for i in range(1, 10)] + [860.0]
    cards = [(x - 20, 200.0) for x in xs]
    cuts = Cuts((0.0, 0.0, 870.0, 450.0), 100.0, 400.0, 0.0, xs=tuple(xs))

    def held(tile: Tile) -> float:
        return sum(tile.x[0] <= x <= tile.x[1] and tile.y[0] <= y <= tile.y[1] for x, y in cards)

    scale, sheets = plan_tiles(cuts, (752.0, 548.0), 1.0, held)
    parts = [tile for sheet in sheets for tile, _ in sheet.tiles]
    assert scale >= 1.0 and len(sheets) == 2
    assert min(held(tile) for tile in parts) >= 4


def test_a_part_names_the_columns_of_the_layout_not_the_chips_side_by_side(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    document = load(ROOT / "workflows" / "payer-cch-network.yaml")
    out = shipped_books(tmp_path_factory, "letter")["payer-cch-network"]
    columns = {}
    for n, pid in enumerate(document.workflow.phases, start=1):
        lane_map = swimlane_map(document.workflow, [pid])
        geo = place(lane_map, footer_lines(lane_map), PRINT)
        columns[n] = sum(
            any(abs(p.box.x - x) <= w / 2 for p in geo.cards.values()) for x, w in geo.column_w.items()
        )
    named = 0
    for text in _texts(out):
        found = re.search(r"Phase (\d) of \d: .*?part \d+ of \d+ \(columns? (\d+)(?:-(\d+))?", text)
        if found:
            phase, first, last = int(found[1]), int(found[2]), int(found[3] or found[2])
            assert first <= last <= columns[phase], found[0]
            named += 1
    assert named >= 4
