"""The concurrency benchmark still runs, and concurrent writers lose nothing (no timings asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_concurrent_writers_lose_no_write_and_never_give_up() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_concurrency.py"), "--writers", "4", "--ops", "3",
         "--spread", "2", "--checked", "2", "--backend", "sqlite"],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    rows = [line.split() for line in result.stdout.splitlines() if line.startswith("sqlite ")]
    assert [row[1] for row in rows] == ["1", "2"]
    for _backend, _partnerships, ops, ok, lost, refused, busy, db_error, other, _rate in rows:
        assert (ops, ok, lost, refused, busy, db_error, other) == ("12", "12", "0", "0", "0", "0", "0")
    assert "quick_check before a command's first write" in result.stdout
