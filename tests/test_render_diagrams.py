"""diagrams/ holds the current maps of every shipped workflow."""

from __future__ import annotations

from pathlib import Path

import pytest

from lifecycle.drawing.gallery import GALLERY_IMAGES, gallery_figures, gallery_texts
from lifecycle.loader import load

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / "workflows").glob("*.yaml"))


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.stem for p in WORKFLOWS])
def test_committed_diagrams_are_current(path: Path) -> None:
    document = load(path)
    for name, text in gallery_texts(document).items():
        committed = ROOT / "diagrams" / name
        assert committed.exists(), f"diagrams/{name} is missing: run scripts/render-diagrams"
        assert committed.read_text(encoding="utf-8") == text, (
            f"diagrams/{name} is stale: run scripts/render-diagrams"
        )
    for stem in gallery_figures(document):
        for fmt in GALLERY_IMAGES:
            assert (ROOT / "diagrams" / f"{stem}.{fmt}").stat().st_size > 0


def test_building_a_map_twice_gives_the_same_dot() -> None:
    document = load(WORKFLOWS[0])
    assert gallery_texts(document) == gallery_texts(document)
