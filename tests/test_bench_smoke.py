"""The benchmarks still run: ``bench/run_all.py --quick`` at tiny sizes (no timings asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import run_command, run_function  # noqa: E402


def test_quick_run_writes_every_section(tmp_path: Path) -> None:
    report = tmp_path / "performance.md"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run_all.py"), "--quick", "-o", str(report)],
        check=True,
        capture_output=True,
        timeout=120,
    )
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
    # One row per generated size, one per shipped workflow.
    assert "| 1 | 106 |" in text and "| 2 | 206 |" in text
    for workflow in (ROOT / "workflows").glob("*.yaml"):
        assert f"| `{workflow.name}` |" in text
    # Every figure was measured: no missing value printed as NaN.
    assert re.search(r"\bnan\b", text) is None


def test_function_runs_in_a_fresh_process_and_reports_its_memory() -> None:
    runs = run_function("bench.run_all:imports", runs=2)
    assert len(runs.records) == 2
    # The child imported the loader and checks: far more than an empty interpreter.
    assert runs.min("peak_mb") > 20
    assert runs.min("seconds") <= runs.median("seconds") <= runs.max("seconds")


def test_failing_command_is_reported_not_timed(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    with pytest.raises(RuntimeError, match="exited 1"):
        run_command([str(Path(sys.executable).with_name("lifecycle")), "validate", str(missing)], runs=1)
