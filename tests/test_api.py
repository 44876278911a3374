"""The public API: the names the docs promise, and docs/api.md's examples run as written."""

from __future__ import annotations

import doctest
import subprocess
import sys
from pathlib import Path

import pytest

import lifecycle

ROOT = Path(__file__).resolve().parents[1]


def test_every_public_name_imports_and_is_what_it_says() -> None:
    for name in lifecycle.__all__:
        assert getattr(lifecycle, name) is not None, name
    assert callable(lifecycle.render) and callable(lifecycle.check) and callable(lifecycle.load)
    assert lifecycle.Tracker.__name__ == "Tracker"


def test_importing_the_package_loads_neither_graphviz_nor_sqlalchemy() -> None:
    code = "import sys, lifecycle; print(sorted({'graphviz', 'sqlalchemy', 'networkx'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_render_stays_a_function_after_the_drawing_modules_are_imported() -> None:
    code = (
        "import lifecycle.drawing.maps, lifecycle.resilience\n"
        "from lifecycle import render, resilience_score\n"
        "print(callable(render), callable(resilience_score))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True True"


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'lod'"):
        lifecycle.lod  # noqa: B018


def test_the_api_page_runs_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = doctest.testfile(
        str(ROOT / "docs" / "api.md"),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
        report=True,
    )
    assert result.attempted >= 25
    assert result.failed == 0


EXAMPLE_PAGES = sorted(p for p in (ROOT / "docs").glob("*.md") if "\n>>> " in p.read_text(encoding="utf-8"))


def test_the_pages_with_examples_are_found() -> None:
    assert {"api.md", "conformance.md"} <= {p.name for p in EXAMPLE_PAGES}


@pytest.mark.parametrize("page", [p for p in EXAMPLE_PAGES if p.name != "api.md"], ids=lambda p: p.name)
def test_every_other_page_with_examples_runs_as_written(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = doctest.testfile(
        str(page), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE, report=True
    )
    assert result.attempted > 0 and result.failed == 0
