"""A hypothesis strategy for any text the workflow model accepts in a title or a
note: every character but controls (which the loader refuses) and surrogates,
and tab and line feed, which it accepts (test_tabs_and_line_breaks_in_text_are_fine).

Drawn from the whole of Unicode, a tab or a line feed would come up about once in
a run; the text is built as pieces joined by one of the two (or nothing), so most
examples hold them.
"""

from __future__ import annotations

from hypothesis import strategies as st

_PIECE = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)


def model_text(max_size: int) -> st.SearchStrategy[str]:
    """Text of 1 to ``max_size`` characters, not all white space, tabs and line feeds among the rest."""
    pieces = st.lists(st.tuples(_PIECE, st.sampled_from(["", "\t", "\n"])), min_size=1, max_size=5)
    joined = pieces.map(lambda parts: "".join(piece + end for piece, end in parts))
    return joined.filter(lambda text: len(text) <= max_size and text.strip() != "")
