"""Both tracking backends for one test: a fresh SQLite file or a fresh database
on the real PostgreSQL server the test run starts (see ``postgres.py``).

Use the ``new_db`` fixture, parametrized over ``BACKENDS``; it is a factory, so a
hypothesis test can ask for a fresh database per example. ``new_db()`` is empty
(the first ``open_store`` migrates it); ``new_db(migrated=True)`` already holds
lifecycle's tables at the newest revision, copied from a database migrated once
per test run, for the many tests whose subject is not the migrations.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Protocol

import postgres
import pytest
from built_once import built_once

from lifecycle.store import open_store

BACKENDS = ["sqlite", "postgresql"]


class NewDatabase(Protocol):
    """``new_db(migrated=False)``: the URL of a fresh database."""

    def __call__(self, *, migrated: bool = False) -> str: ...


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file ``open_store`` created and migrated, once per test run: copy it, never write to it."""
    return built_once(
        tmp_path_factory, "migrated.db", lambda path: open_store(f"sqlite:///{path}", create=True).close()
    )


@pytest.fixture(params=BACKENDS)
def new_db(request: pytest.FixtureRequest, tmp_path: Path, migrated_sqlite: Path) -> NewDatabase:
    """A factory of fresh database URLs on the parametrized backend, empty or migrated."""
    if request.param == "sqlite":

        def sqlite(*, migrated: bool = False) -> str:
            path = tmp_path / f"{uuid.uuid4().hex[:8]}.db"
            if migrated:
                # Closed by its builder, so the file is whole: nothing of it is in a write-ahead log.
                shutil.copyfile(migrated_sqlite, path)
            return f"sqlite:///{path}"

        return sqlite
    server = postgres.server()
    if isinstance(server, str):
        pytest.skip(server)

    def postgresql(*, migrated: bool = False) -> str:
        return postgres.database(server, migrated=migrated)

    return postgresql
