"""diagrams/ holds the current maps of every shipped workflow."""

from __future__ import annotations

import json
import os
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
    for stem in gallery_figures(document):
        for fmt in GALLERY_IMAGES:
            assert (ROOT / "diagrams" / f"{stem}.{fmt}").stat().st_size > 0


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
