"""The ``>>>`` examples in src/lifecycle run as tests (``--doctest-modules``).

They name files as a user in a checkout would, ``workflows/...``, so each runs
from the repository root.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Alembic runs this module itself, inside a migration; imported alone it fails.
collect_ignore = ["lifecycle/store/migrations/env.py"]


@pytest.fixture(autouse=True)
def _from_the_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
