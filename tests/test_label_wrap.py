"""Label wrapping breaks lines exactly where ``textwrap`` does, on any text.

:func:`lifecycle.drawing.labels.wrap` packs plain paragraphs itself (faster on
large maps) and leaves the rest to ``textwrap``; what a map shows must not
depend on which path a title takes.
"""

from __future__ import annotations

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from lifecycle.drawing.labels import wrap
from lifecycle.safe_output import printable

# Letters, digits, hyphens, dashes, spaces and other white space, so every rule of
# textwrap's word split (hyphenated words, em-dashes, long words) gets exercised.
_PIECES = [*"abcXYZé09 -—.,;!?'\"()\t\n\u00a0\u2003", "  ", "--", "e-mail", "data-sharing", "follow", "up"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


def _reference(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in printable(text).splitlines() or [""]:
        lines.extend(textwrap.wrap(paragraph, width) or [""])
    return lines


@settings(max_examples=2000)
@given(text=_TEXT, width=st.integers(min_value=1, max_value=30))
def test_wrap_breaks_where_textwrap_does(text: str, width: int) -> None:
    assert wrap(text, width) == _reference(text, width)


def test_plain_titles_keep_their_words_whole() -> None:
    title = "Do the work of step task-45 and hand it on to the next team"
    assert wrap(title, 24) == ["Do the work of step", "task-45 and hand it on", "to the next team"]
    assert wrap("Sign the data-sharing agreement", 16) == ["Sign the data-", "sharing", "agreement"]
