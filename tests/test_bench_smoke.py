"""The benchmarks still run: ``bench/run_all.py --quick`` at tiny sizes (no timings asserted)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run_all  # noqa: E402
from bench.measure import Runs, run_command, run_function  # noqa: E402

from lifecycle.checks import run_checks  # noqa: E402
from lifecycle.loader import load  # noqa: E402


def test_quick_run_writes_every_section(tmp_path: Path) -> None:
    report = tmp_path / "performance.md"
    report.write_text("# Old\n\n## Rendering against bare `dot`\n\nstale\n\n## By hand\n\nkept figure\n")
    # In this process: every figure is still measured in fresh child processes.
    run_all.main(["--quick", "-o", str(report)])
    text = report.read_text(encoding="utf-8")
    for heading in (
        "## Machine",
        "## CLI cold start",
        "## Load + validate and check at growing sizes",
        "### Where load time goes",
        "## State machines",
        "## Rendering against bare `dot`",
        "## Conformance replay",
    ):
        assert heading in text
    assert "| `lifecycle --help` |" in text
    # A generated section is replaced; one written by hand is kept.
    assert "stale" not in text and "## By hand\n\nkept figure" in text
    # One row per generated size, one per shipped workflow.
    assert "| 1 | 106 |" in text and "| 2 | 206 |" in text
    for workflow in (ROOT / "workflows").glob("*.yaml"):
        assert f"| `{workflow.name}` |" in text
    # Every figure was measured: no missing value printed as NaN.
    assert re.search(r"\bnan\b", text) is None


def test_function_runs_in_a_fresh_process_and_reports_its_figures() -> None:
    shipped = ROOT / "workflows" / "payer-cbo-partnership.yaml"
    document = load(shipped)
    runs = run_function("bench.run_all:load_and_check", str(shipped), runs=2)
    assert len(runs.records) == 2
    # Each child did the real work and sent its figures back: the same counts as here.
    assert runs.values("tasks") == [len(document.workflow.tasks())] * 2
    assert runs.values("findings") == [len(run_checks(document).findings)] * 2
    assert all(record["load"] > 0 and record["check"] > 0 for record in runs.records)
    # Its own memory: the loader and checks imported, far more than an empty interpreter.
    assert runs.min("peak_mb") > 20


def test_runs_summarize_as_min_median_max() -> None:
    runs = Runs(
        [
            {"seconds": 0.3, "peak_mb": 40.0},
            {"seconds": 0.1, "peak_mb": 42.0},
            {"seconds": 0.2, "peak_mb": 41.0},
        ]
    )
    assert (runs.min("seconds"), runs.median("seconds"), runs.max("seconds")) == (0.1, 0.2, 0.3)
    assert runs.spread("seconds") == "0.100 / 0.200 / 0.300 s"
    assert runs.spread("peak_mb", "MB", 1) == "40.0 / 41.0 / 42.0 MB"


def test_failing_command_is_reported_not_timed(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    with pytest.raises(RuntimeError, match="exited 1"):
        run_command([str(Path(sys.executable).with_name("lifecycle")), "validate", str(missing)], runs=1)
