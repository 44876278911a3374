"""The map book cuts a map into parts that each hold something: where even spans
of columns or lanes take no more pages, no part is a sliver with almost nothing
on it (as phase 2 of payer-cbo-partnership had: one chip on a whole page)."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from lifecycle.drawing.page_fit import Cuts, Tile, plan_tiles, spans


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
