"""``lifecycle render FILE --book -o book.pdf``: one landscape PDF with the overview,
every phase, every journey, the RACI and the findings; big maps continue over
pages at a readable size; and the generated stress maps draw."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader
from stress import big_phase, hub_network

from lifecycle.cli import main
from lifecycle.drawing.book import MIN_SCALE, PAPERS, _tiles, book_pdf
from lifecycle.drawing.maps import build_map
from lifecycle.loader import load, loads

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "workflows" / "payer-cch-network.yaml"


@pytest.fixture(scope="module")
def book() -> PdfReader:
    return PdfReader(io.BytesIO(book_pdf(load(SHIPPED), "a4")))


def test_every_part_is_in_the_book_in_order_on_landscape_pages(book: PdfReader) -> None:
    workflow = load(SHIPPED).workflow
    texts = [" ".join((page.extract_text() or "").replace("\ufb01", "fi").split()) for page in book.pages]
    assert all(
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (842, 595) for p in book.pages
    )
    firsts = []
    wanted = [f"{workflow.title}: the lifecycle"]
    wanted += [
        f"Phase {n} of {len(workflow.phases)}: {p.title}" for n, p in enumerate(workflow.phases.values(), 1)
    ]
    wanted += [f"Journey: {j.title}" for j in workflow.journeys.values()]
    wanted += ["RACI: A accountable", "Check findings"]
    for heading in wanted:
        pages = [i for i, text in enumerate(texts) if heading in text]
        assert pages, f"no page headed {heading!r}"
        firsts.append(pages[0])
    assert firsts == sorted(firsts)


def test_a_map_too_big_for_one_page_continues_at_a_readable_size() -> None:
    room = (792.0 - 40, 612.0 - 62)
    scale, corners = _tiles(3000.0, 2000.0, *room, MIN_SCALE)
    assert scale >= MIN_SCALE and len(corners) > 1
    tile_w, tile_h = room[0] / scale, room[1] / scale
    # The tiles cover the whole drawing.
    for x, y in ((0, 0), (2999, 1999), (1500, 1000), (0, 1999), (2999, 0)):
        assert any(cx <= x <= cx + tile_w and cy <= y <= cy + tile_h for cx, cy in corners), (x, y)
    assert _tiles(500.0, 300.0, *room, MIN_SCALE)[1] == [(0.0, 0.0)]


def test_the_book_command_writes_a_pdf_and_refuses_another_format(tmp_path: Path, capsys) -> None:
    out = tmp_path / "book.pdf"
    with pytest.raises(SystemExit) as done:
        main(["render", str(SHIPPED), "--book", "--paper", "letter", "-o", str(out)])
    assert done.value.code == 0
    assert out.read_bytes().startswith(b"%PDF") and len(PdfReader(out).pages) > 5
    with pytest.raises(SystemExit) as refused:
        main(["render", str(SHIPPED), "--book", "-o", str(tmp_path / "book.png")])
    assert refused.value.code == 2 and "--book writes a PDF" in capsys.readouterr().err


@pytest.mark.parametrize(
    "text", [big_phase(), hub_network()], ids=["60 tasks 25 roles 4 orgs", "hub with 10 CBOs"]
)
def test_the_stress_maps_draw_every_task_in_its_lane(text: str) -> None:
    document = loads(text)
    svg = build_map(document).graph.pipe(format="svg")
    ids = {g.get("id") for g in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}g")}
    assert {f"task-{tid}" for tid in document.workflow.tasks()} <= ids
    assert b"Handoffs not drawn" not in svg
    assert set(PAPERS) == {"letter", "a4"}
