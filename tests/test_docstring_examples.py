"""The ``>>>`` examples in lifecycle's docstrings run and print what they show.

They name files as a user in a checkout would (``workflows/...``), so they run
from the repository root. (pytest's ``--doctest-modules`` would need a second
``conftest.py`` for that, and two of them clash for ``from conftest import``.)
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil
from pathlib import Path

import pytest
from conftest import ROOT

import lifecycle

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(lifecycle.__path__, "lifecycle.")
    if info.name != "lifecycle.__main__"  # importing it runs the CLI
)


def examples(module_name: str) -> list[doctest.DocTest]:
    """The docstrings of ``module_name`` (module, classes, functions) that hold examples."""
    module = importlib.import_module(module_name)
    return [test for test in doctest.DocTestFinder().find(module) if test.examples]


def _shows_examples(module_name: str) -> bool:
    """Whether the source of ``module_name`` holds a ``>>>`` line: read, not
    imported, so that collecting the tests does not import every module in each worker."""
    spec = importlib.util.find_spec(module_name)
    assert spec is not None and spec.origin is not None
    return any(line.lstrip().startswith(">>> ") for line in Path(spec.origin).read_text().splitlines())


WITH_EXAMPLES = [name for name in ["lifecycle", *MODULES] if _shows_examples(name)]


def test_the_documented_modules_are_found() -> None:
    assert {
        "lifecycle.checks",
        "lifecycle.graph",
        "lifecycle.loader",
        "lifecycle.drawing.maps",
        "lifecycle.words",
    } <= set(WITH_EXAMPLES)


@pytest.mark.parametrize("module_name", WITH_EXAMPLES)
def test_docstring_examples(module_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report: list[str] = []
    for test in examples(module_name):
        runner.run(test, out=report.append)
    assert runner.tries > 0
    assert runner.failures == 0, "".join(report)
