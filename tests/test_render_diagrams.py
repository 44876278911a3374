"""diagrams/ holds the current maps of every shipped workflow."""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
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
    assert GALLERY_IMAGES == ("svg", "png")
    for stem, figure in gallery_figures(document).items():
        # The SVG is the drawing of the map as it is now, byte for byte.
        svg = (ROOT / "diagrams" / f"{stem}.svg").read_bytes()
        assert svg == figure.graph.pipe(format="svg"), (
            f"diagrams/{stem}.svg is stale: run scripts/render-diagrams"
        )
        # The PNG (drawing it again takes seconds) has the SVG's size at Graphviz's 96 dpi.
        png = (ROOT / "diagrams" / f"{stem}.png").read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        found = re.search(rb'width="([\d.]+)pt" height="([\d.]+)pt"', svg)
        assert found is not None
        points = [float(v) for v in found.groups()]
        pixels = struct.unpack(">II", png[16:24])
        assert all(abs(px - pt * 96 / 72) <= 1 for px, pt in zip(pixels, points, strict=True)), (
            f"diagrams/{stem}.png is stale: run scripts/render-diagrams"
        )


# Prints every shipped workflow's gallery texts as JSON.
GALLERY_SCRIPT = """
import json, sys
from lifecycle.loader import load
from lifecycle.drawing.gallery import gallery_texts
print(json.dumps([gallery_texts(load(path)) for path in sys.argv[1:]]))
"""


def test_building_the_maps_in_processes_with_different_hash_seeds_gives_the_same_dot() -> None:
    # String hashing, and so the order of sets and of anything built from them, changes with
    # PYTHONHASHSEED: two processes with two seeds (and this one, with its own) must agree.
    children = [
        subprocess.Popen(
            [sys.executable, "-c", GALLERY_SCRIPT, *map(str, WORKFLOWS)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            stdout=subprocess.PIPE,
            text=True,
        )
        for seed in ("1", "2")
    ]
    built = []
    for child in children:
        out, _ = child.communicate(timeout=120)
        assert child.returncode == 0
        built.append(json.loads(out))
    assert built[0] == built[1] == [gallery_texts(load(path)) for path in WORKFLOWS]
