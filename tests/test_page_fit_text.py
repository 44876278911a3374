"""The book's measure of a drawing's smallest text: the size a reader sees, for
every kind of label Graphviz draws, whatever the text and the characters in it."""

from __future__ import annotations

import io
import math

import graphviz
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import DecodedStreamObject, NameObject

from lifecycle.drawing.labels import dot_label, html_text
from lifecycle.drawing.page_fit import smallest_text

WORDS = st.text(
    st.sampled_from("abcXYZ019 ()\\é→…中"),
    min_size=1,
    max_size=12,
).filter(lambda t: t.strip() != "")
SIZES = st.integers(min_value=6, max_value=30)


def _smallest(graph: graphviz.Digraph) -> float:
    return smallest_text(PdfReader(io.BytesIO(graph.pipe(format="pdf", quiet=True))).pages[0])


@settings(max_examples=25, deadline=None)
@given(
    nodes=st.lists(st.tuples(WORDS, SIZES), min_size=1, max_size=3),
    edge=st.tuples(WORDS, SIZES),
    html=st.tuples(WORDS, SIZES),
)
def test_the_smallest_text_is_the_smallest_font_size_of_any_label(
    nodes: list[tuple[str, int]], edge: tuple[str, int], html: tuple[str, int]
) -> None:
    g = graphviz.Digraph()
    for n, (text, size) in enumerate(nodes):
        g.node(f"n{n}", dot_label([text]), fontsize=str(size))
    g.edge("n0", f"n{len(nodes) - 1}", label=dot_label([edge[0]]), fontsize=str(edge[1]))
    g.node("h", f'<<FONT POINT-SIZE="{html[1]}">{html_text(html[0])}</FONT>>', shape="plaintext")
    expected = min([size for _, size in nodes] + [edge[1], html[1]])
    # Cairo stores a size as a 16.16 fixed-point number, so 10 points come out as 9.99976.
    assert math.isclose(_smallest(g), expected, abs_tol=0.01)


def test_a_page_drawn_at_half_size_reports_half_the_size() -> None:
    g = graphviz.Digraph()
    g.node("a", "halved", fontsize="14")
    page = PdfWriter(clone_from=io.BytesIO(g.pipe(format="pdf", quiet=True))).pages[0]
    page.add_transformation(Transformation().scale(0.5, 0.5))
    assert math.isclose(smallest_text(page), 7, abs_tol=0.01)


def test_white_space_alone_is_not_text() -> None:
    g = graphviz.Digraph()
    g.node("a", "seen", fontsize="12")
    g.node("b", " ", fontsize="3", shape="plaintext")
    assert math.isclose(_smallest(g), 12, abs_tol=0.01)


def test_a_drawing_without_text_has_no_smallest_text() -> None:
    g = graphviz.Digraph()
    g.node("a", "", shape="box")
    assert _smallest(g) == math.inf


def test_the_text_size_a_restored_state_had_is_the_one_measured() -> None:
    page = PdfWriter().add_blank_page(200, 200)
    content = DecodedStreamObject()
    # A size set inside q ... Q is forgotten at Q, as the PDF's graphics state is.
    content.set_data(
        b"BT /F1 12 Tf 1 0 0 1 10 10 Tm (a) Tj ET q BT /F1 4 Tf ET Q BT 1 0 0 1 10 30 Tm (b) Tj ET"
    )
    page[NameObject("/Contents")] = content
    assert smallest_text(page) == 12
