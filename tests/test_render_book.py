"""``lifecycle render FILE --book -o book.pdf``: one landscape PDF with the overview,
every phase, every journey, the RACI and the findings. Every page of every
shipped workflow's book is read back: its smallest text is 8 points or more
(measured by poppler's ``pdftotext``, not by the code that placed it), every
phase and journey is there by title, big maps continue over a bounded number of
pages cut between lanes and columns with their lane labels repeated, and the
RACI keeps its task column on every page."""

from __future__ import annotations

import functools
import itertools
import json
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import graphviz
import pytest
from built_once import made_once, made_once_each, shared_folder
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from stress import big_phase, hub_network
from svg_shapes import box, groups_by_id, inside

from lifecycle.cli import main
from lifecycle.drawing.book import PAPERS, book_pdf
from lifecycle.drawing.maps import build_map
from lifecycle.drawing.page_fit import FLOOR_PT, spans
from lifecycle.drawing.raci import raci_matrix
from lifecycle.drawing.swimlane import performer
from lifecycle.loader import load, loads

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / "workflows").glob("*.yaml"))
SMALL = ROOT / "workflows" / "examples" / "go-to-escalation.yaml"
MOST_PAGES = {
    "cbo-network-formation": 25,
    "fhir-referral-task": 5,
    "payer-cbo-partnership": 27,
    "payer-cch-network": 36,
}
"""The page counts the print layout reaches on Letter (45, 9, 68 and 97 with the
screen layout's spacing): a book that grows past them tiles worse than it did."""


pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")


def _words(pdf: Path) -> list[list[tuple[str, float]]]:
    """Each page's words with their box heights, as poppler reads them."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    xhtml = "{http://www.w3.org/1999/xhtml}"
    return [
        [
            (word.text or "", float(word.get("yMax", 0)) - float(word.get("yMin", 0)))
            for word in page.iter(f"{xhtml}word")
        ]
        for page in ET.fromstring(out).iter(f"{xhtml}page")
    ]


@pytest.fixture(scope="module")
def height_per_point(tmp_path_factory: pytest.TempPathFactory) -> float:
    """How tall poppler's box of a word is per point of font size (Graphviz's Helvetica)."""
    g = graphviz.Digraph()
    g.node("n", "Calibrate", shape="plaintext", fontname="Helvetica", fontsize="10")
    pdf = tmp_path_factory.mktemp("calibrate") / "ten.pdf"
    pdf.write_bytes(g.pipe(format="pdf"))
    [[(_, height)]] = _words(pdf)
    return height / 10


def shipped_books(factory: pytest.TempPathFactory, paper: str) -> dict[str, Path]:
    """Every shipped workflow's book on ``paper``, built once for the whole run.

    A workflow's Letter and A4 books are built together: the second draws
    nothing the first drew already (see ``graph_bytes``).
    """
    root = shared_folder(factory) / "built-once"
    root.mkdir(exist_ok=True)

    def build(path: Path) -> Callable[[Path], None]:
        def both(mark: Path) -> None:
            document = load(path)
            for each in PAPERS:
                (root / f"{path.stem}.{each}.pdf").write_bytes(book_pdf(document, each))
            mark.touch()

        return both

    made_once_each({root / f"{path.stem}.books": build(path) for path in WORKFLOWS})
    return {path.stem: root / f"{path.stem}.{paper}.pdf" for path in WORKFLOWS}


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return shipped_books(tmp_path_factory, "letter")


@functools.cache
def _texts(pdf: Path) -> list[str]:
    """Each page's text in the order it is drawn, its white space made single
    spaces; a book never changes once written, so every worker of the run reads
    the text each book left beside it."""
    return json.loads(made_once(pdf.with_name(f"{pdf.name}.texts.json"), _read_texts).read_text())


def _read_texts(out: Path) -> None:
    pdf = out.with_name(out.name.removesuffix(".texts.json"))
    # -raw: in the order the text is drawn; every page ends with a form feed.
    read = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    )
    # NFKC undoes the ligatures (fi, ff) the PDF's fonts draw.
    pages = unicodedata.normalize("NFKC", read.stdout.decode("utf-8")).split("\f")[:-1]
    out.write_text(json.dumps([" ".join(text.split()) for text in pages]))


@pytest.mark.parametrize("stem", [p.stem for p in WORKFLOWS])
def test_every_part_is_in_the_book_in_order(books: dict[str, Path], stem: str) -> None:
    workflow = load(ROOT / "workflows" / f"{stem}.yaml").workflow
    texts = _texts(books[stem])
    wanted = [f"{workflow.title}: the lifecycle"]
    wanted += [
        f"Phase {n} of {len(workflow.phases)}: {p.title}" for n, p in enumerate(workflow.phases.values(), 1)
    ]
    wanted += [f"Journey: {j.title}" for j in workflow.journeys.values()]
    wanted += ["RACI: A accountable", "Check findings"]
    firsts = []
    for heading in wanted:
        pages = [i for i, text in enumerate(texts) if heading in text]
        assert pages, f"no page headed {heading!r}"
        firsts.append(pages[0])
    assert firsts == sorted(firsts)
    assert len(texts) <= MOST_PAGES[stem]
    assert not [n for n, text in enumerate(texts, 1) if "(legend)" in text], "a page holds only a legend"


@pytest.mark.parametrize("stem", [p.stem for p in WORKFLOWS])
def test_no_text_in_the_book_is_smaller_than_8_points(
    books: dict[str, Path], stem: str, height_per_point: float
) -> None:
    pages = _words(books[stem])
    assert len(pages) == len(PdfReader(books[stem]).pages)
    for number, words in enumerate(pages, 1):
        assert words, f"page {number} is empty"
        word, height = min(words, key=lambda w: w[1])
        # 1% for poppler's rounding of glyph boxes.
        assert height / height_per_point >= FLOOR_PT * 0.99, (
            f"page {number}: {word!r} is {height / height_per_point:.1f} pt"
        )


def test_a_map_that_fits_a_page_at_a_readable_size_takes_one_page(tmp_path: Path) -> None:
    out = tmp_path / "small.pdf"
    document = load(SMALL)
    out.write_bytes(book_pdf(document, "a4"))
    texts = _texts(out)
    assert all(
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (842, 595)
        for p in PdfReader(out).pages
    )
    for n, phase in enumerate(document.workflow.phases.values(), 1):
        heading = f"Phase {n} of {len(document.workflow.phases)}: {phase.title}"
        assert sum(heading in text for text in texts) == 1
        assert not any(f"{heading}: part" in text for text in texts)


def test_a_big_map_continues_with_its_lane_labels_on_every_part(books: dict[str, Path]) -> None:
    document = load(ROOT / "workflows" / "payer-cch-network.yaml")
    phase = list(document.workflow.phases)[2]
    figure = build_map(document, phases=[phase])
    assert figure.lane_map is not None
    titles = [lane.title for lane in figure.lane_map.lanes]
    texts = _texts(books["payer-cch-network"])
    parts = [t for t in texts if re.search(r"Phase 3 of \d+: [^:]+: part \d+ of \d+ \(", t)]
    assert len(parts) > 2
    assert all(re.search(r"continues on p\. \d+", text) for text in parts[:-1])
    assert any("column" in t and "columns 1-" not in t and "column 1)" not in t for t in parts)
    for text in parts:
        lanes = re.search(r"lanes? (\d+)(?:-(\d+))?", text)
        low, high = (
            (int(lanes.group(1)), int(lanes.group(2) or lanes.group(1))) if lanes else (1, len(titles))
        )
        for title in titles[low - 1 : high]:
            assert title in text, f"lane {title!r} has no label on: {text[:90]}"


def test_the_raci_repeats_its_task_column_and_shows_every_role_and_task(books: dict[str, Path]) -> None:
    workflow = load(ROOT / "workflows" / "payer-cch-network.yaml").workflow
    matrix = raci_matrix(workflow)
    texts = [
        t for t in _texts(books["payer-cch-network"]) if t.startswith("RACI") or "RACI: A accountable" in t
    ]
    assert len(texts) > 1
    assert all("Task (id)" in t for t in texts)
    joined = " ".join(texts)
    for row in matrix.rows:
        assert f"({row.task})" in joined.replace(" ", ""), f"task {row.task} is not in the RACI"
    for role in matrix.roles:
        assert role.title.split()[0] in joined


@given(
    st.floats(0, 100),
    st.floats(1, 2000),
    st.floats(20, 500),
    st.lists(st.floats(0, 2100), max_size=30),
)
def test_spans_cover_the_length_in_order_none_longer_than_the_room(
    start: float, length: float, room: float, cuts: list[float]
) -> None:
    end = start + length
    found = spans(start, end, room, cuts)
    assert found[0][0] == start and found[-1][1] == end
    assert all(a[1] == b[0] for a, b in itertools.pairwise(found))
    assert all(0 < b - a <= room + 1e-6 for a, b in found)
    # A span cut where a cut fits ends at the farthest one.
    for a, b in found[:-1]:
        fitting = [c for c in cuts if a + 1e-6 < c <= a + room + 1e-6]
        assert b == (max(fitting) if fitting else a + room)


def test_the_book_command_writes_a_pdf_and_refuses_another_format(tmp_path: Path, capsys) -> None:
    out = tmp_path / "book.pdf"
    with pytest.raises(SystemExit) as done:
        main(["render", str(SMALL), "--book", "--paper", "letter", "-o", str(out)])
    assert done.value.code == 0
    # Cover, phase, then the RACI and the findings, which share a page when they fit.
    assert out.read_bytes().startswith(b"%PDF") and len(PdfReader(out).pages) >= 3
    with pytest.raises(SystemExit) as refused:
        main(["render", str(SMALL), "--book", "-o", str(tmp_path / "book.png")])
    assert refused.value.code == 2 and "--book writes a PDF" in capsys.readouterr().err


@pytest.mark.parametrize(
    "text", [big_phase(), hub_network()], ids=["60 tasks 25 roles 4 orgs", "hub with 10 CBOs"]
)
def test_the_stress_maps_draw_every_task_in_its_lane(text: str) -> None:
    document = loads(text)
    workflow = document.workflow
    svg = build_map(document).graph.pipe(format="svg")
    drawn = groups_by_id(ET.fromstring(svg))
    for tid, task in workflow.tasks().items():
        lane = performer(workflow, task)
        assert inside(box(drawn[f"task-{tid}"]), box(drawn[f"lane-{lane}"])), f"{tid} is outside lane {lane}"
    assert b"Handoffs not drawn" not in svg
