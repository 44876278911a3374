"""Shared fixtures: paths to the shipped workflows and runners for the CLI.

``run_cli`` runs ``lifecycle ARGS...`` in this process through the console
script's own entry point (exit codes, one-line errors and the crash log as in a
real process) and returns ``returncode``, ``stdout`` and ``stderr`` separately;
see ``cli_run.py``. Use it for every CLI test that does not need a new process.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import demo_tracking
import postgres
import pytest
import tracked
from built_once import built_once, shared_folder
from cli_run import run_cli as _run_cli
from click.testing import CliRunner

pytest_plugins = ["backends"]  # the new_db fixture, over SQLite and PostgreSQL, for every module

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / "workflows").glob("*.yaml"))


@pytest.fixture(autouse=True, scope="session")
def _workflow_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Parsed workflows are cached in a folder of this test run, not in the
    user's ~/.cache (see lifecycle.tracking.workflow_cache).

    Matplotlib keeps its list of fonts under the same folder unless told
    otherwise; it stays where the user's runs find it, or every report command
    the tests start would spend half a CPU-second building it again.
    """
    user_cache = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    fonts = os.path.join(user_cache, "matplotlib")
    # Where that cannot be written (a read-only home), matplotlib would fall back to a new
    # temporary folder in each process, with a warning: the run's own cache does better.
    if os.access(fonts if os.path.isdir(fonts) else user_cache, os.W_OK):
        os.environ.setdefault("MPLCONFIGDIR", fonts)
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(autouse=True, scope="session")
def _one_postgres_server(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every xdist worker of the run uses one PostgreSQL server, started by the
    first that needs it (see postgres.py): one start, not one per worker."""
    postgres.share_in(shared_folder(tmp_path_factory))


@pytest.fixture(autouse=True)
def _trackers_closed() -> Iterator[None]:
    """The trackers a test opened with ``tracked.started`` are closed when it ends."""
    yield
    tracked.close_opened()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def run_cli():
    """``run_cli(*args, input=None, env=None, cwd=None)``: run the CLI in this process."""
    return _run_cli


@pytest.fixture
def write(tmp_path: Path):
    """Write text to a YAML file in a temporary folder and return its path."""

    def _write(text: str, name: str = "workflow.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture(scope="session")
def demo_tracking_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The partnership ``scripts/demo-tracking`` builds on the shipped direct-contract
    workflow, as a SQLite file built once per test run: copy it before writing to it."""
    shipped = ROOT / "workflows" / "payer-cbo-partnership.yaml"
    return built_once(tmp_path_factory, "demo-tracking.db", lambda db: demo_tracking.build(shipped, db))
