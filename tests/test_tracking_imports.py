"""Tracking commands import only what they need: reading the audit log or the
list of partnerships loads neither the workflow model (pydantic) nor the
migration machinery (Alembic), which cost most of a command's time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tracked import started, world

SCRIPT = """
import sys
from lifecycle.tracking import Tracker
tracker = Tracker.open(sys.argv[1])
assert [p.name for p in tracker.partnerships()] == ["acme"]
assert tracker.audit("acme")[0].action == "partnership.start"
assert not tracker.changed(tracker.partnership("acme"))
print(",".join(m for m in ("pydantic", "lifecycle.model", "alembic") if m in sys.modules))
"""


def test_reading_the_log_imports_no_model_and_no_migrations(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 't.db'}"
    started(url, world(tmp_path)).close()
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, url], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == ""
