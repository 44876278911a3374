"""Drawing many graphs as PDF with one ``dot`` process gives each the page it
gets alone, in order, and a graph ``dot`` cannot draw is still reported by name."""

from __future__ import annotations

import io

import graphviz
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from lifecycle.drawing.labels import dot_label
from lifecycle.drawing.output import RenderError, graphs_pdf

LABELS = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20)


def _graph(label: str, size: int) -> graphviz.Digraph:
    g = graphviz.Digraph("label")
    g.node("n", dot_label([label]), fontsize=str(size))
    return g


def _page(pdf: bytes) -> tuple[bytes, list[float]]:
    """What a PDF draws and the size of its page; its creation time differs from run to run."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    contents = page.get_contents()
    assert contents is not None
    return contents.get_data(), [float(v) for v in page.mediabox]


@settings(max_examples=10, deadline=None)
@given(st.lists(st.tuples(LABELS, st.integers(min_value=6, max_value=20)), min_size=2, max_size=12))
def test_each_drawing_is_the_one_it_gets_alone(specs: list[tuple[str, int]]) -> None:
    graphs = [_graph(label, size) for label, size in specs]
    alone = [_page(g.pipe(format="pdf", quiet=True)) for g in graphs]
    assert [_page(pdf) for pdf in graphs_pdf(graphs, "labels")] == alone


def test_a_graph_dot_cannot_draw_is_named_and_the_others_are_not_mixed_up() -> None:
    good = [_graph(f"good {n}", 10) for n in range(3)]
    broken = graphviz.Source("digraph { a -> }")
    with pytest.raises(RenderError, match="Graphviz failed to draw 'the broken batch'"):
        graphs_pdf([good[0], broken, good[1]], "the broken batch")
    together = graphs_pdf(good, "after")
    assert [_page(pdf) for pdf in together] == [_page(g.pipe(format="pdf", quiet=True)) for g in good]
