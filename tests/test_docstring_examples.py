"""The ``>>>`` examples in lifecycle's docstrings run and print what they show.

They name files as a user in a checkout would (``workflows/...``), so they run
from the repository root. (pytest's ``--doctest-modules`` would need a second
``conftest.py`` for that, and two of them clash for ``from conftest import``.)
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

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


WITH_EXAMPLES = [name for name in ["lifecycle", *MODULES] if examples(name)]


def test_the_documented_modules_are_found() -> None:
    assert {
        "lifecycle.checks",
        "lifecycle.graph",
        "lifecycle.loader",
        "lifecycle.render.maps",
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
