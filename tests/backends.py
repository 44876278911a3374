"""Both tracking backends for one test: a fresh SQLite file or a fresh database
on the real PostgreSQL server the test run starts (see ``postgres.py``).

Use the ``new_db`` fixture, parametrized over ``BACKENDS``; it is a factory, so a
hypothesis test can ask for a fresh database per example.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import postgres
import pytest

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def new_db(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    """A factory of fresh, empty database URLs on the parametrized backend."""
    if request.param == "sqlite":
        return lambda: f"sqlite:///{tmp_path / f'{uuid.uuid4().hex[:8]}.db'}"
    server = postgres.server()
    if isinstance(server, str):
        pytest.skip(server)
    return lambda: postgres.database(server)
