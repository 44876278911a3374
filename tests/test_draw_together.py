"""Drawing many graphs as PDF with one ``dot`` process gives each the page it
gets alone, in order, and a graph ``dot`` cannot draw is still reported by name."""

from __future__ import annotations

import io
import subprocess
import uuid
from typing import Any

import graphviz
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from lifecycle.drawing.labels import dot_label
from lifecycle.drawing.output import RenderError, _Drawings, graphs_pdf

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


def test_graphs_not_drawn_yet_share_one_dot_process(monkeypatch: pytest.MonkeyPatch) -> None:
    batches: list[list[str]] = []
    alone: list[str] = []
    run, pipe = subprocess.run, graphviz.Source.pipe

    def batch(args: list[str], **kwargs: Any) -> Any:
        batches.append(args)
        return run(args, **kwargs)

    def one(self: graphviz.Source, *args: Any, **kwargs: Any) -> Any:
        alone.append(self.source)
        return pipe(self, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", batch)
    monkeypatch.setattr(graphviz.Source, "pipe", one)
    graphs = [_graph(f"shared {uuid.uuid4().hex}", 10) for _ in range(5)]
    assert len(graphs_pdf([*graphs, graphs[0]], "shared")) == 6
    assert [args[:3] for args in batches] == [["dot", "-Tpdf", "-O"]]
    assert alone == []
    # Drawn once, they are not drawn again.
    graphs_pdf(graphs, "again")
    assert len(batches) == 1 and alone == []


def test_a_source_of_two_graphs_is_drawn_alone_not_beside_the_others() -> None:
    # In one file beside the others, these three sources would be three graphs,
    # and the empty one would be given a neighbour's drawing.
    two = graphviz.Source(f'digraph {{ "first {uuid.uuid4().hex}" }} digraph {{ "second" }}')
    empty = graphviz.Source("")
    third = _graph(f"third {uuid.uuid4().hex}", 10)
    drawn = graphs_pdf([two, empty, third], "the mixed batch")
    assert drawn[1] == empty.pipe(format="pdf", quiet=True) == b""
    assert _page(drawn[0]) == _page(two.pipe(format="pdf", quiet=True))
    assert _page(drawn[2]) == _page(third.pipe(format="pdf", quiet=True))


def test_a_graph_dot_cannot_draw_is_named_and_the_others_are_not_mixed_up() -> None:
    good = [_graph(f"good {n}", 10) for n in range(3)]
    broken = graphviz.Source("digraph { a -> }")
    with pytest.raises(RenderError, match="Graphviz failed to draw 'the broken batch'"):
        graphs_pdf([good[0], broken, good[1]], "the broken batch")
    together = graphs_pdf(good, "after")
    assert [_page(pdf) for pdf in together] == [_page(g.pipe(format="pdf", quiet=True)) for g in good]


def test_the_drawings_kept_stay_within_their_bytes() -> None:
    kept = _Drawings(800)
    for n in range(20):
        kept.put((f"g{n:02}", "pdf"), b"x" * 90)
    # Each is 93 bytes with its source: eight fit, the newest.
    assert [key for key in kept.kept] == [(f"g{n:02}", "pdf") for n in range(12, 20)]
    assert kept.held == 8 * 93 <= 800
    kept.put(("g12", "pdf"), b"y" * 90)
    assert list(kept.kept)[-1] == ("g12", "pdf") and kept.held == 8 * 93
    # One drawing larger than an eighth of the room is not kept at all.
    kept.put(("huge", "svg"), b"z" * 200)
    assert kept.get(("huge", "svg")) is None and kept.held == 8 * 93
