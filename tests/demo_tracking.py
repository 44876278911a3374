"""The tracking demo's partnership, built by the commands of ``scripts/demo-tracking``
run in this process.

The script is the one definition of the demo: :func:`commands` reads its ``step``
and ``refused`` lines, and :func:`build` runs each through the CLI's own entry
point (see ``cli_run.py``), insisting, as the script does, that a ``step``
succeeds and a ``refused`` command does not. Seventeen ``lifecycle`` processes
cost about fifteen seconds here; in process the same commands take one.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
from pathlib import Path

from cli_run import run_cli

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "demo-tracking"
NAME = "riverside-eastside"


def commands(workflow: Path, meeting: dt.datetime) -> list[tuple[bool, list[str]]]:
    """The script's commands in order, each with whether it must succeed.

    ``$name``, ``$workflow`` and ``$meeting`` (five days on, as the script's
    ``date`` call gives) are replaced; any other variable is an error.
    """
    values = {"name": NAME, "workflow": os.fspath(workflow), "meeting": f"{meeting:%Y-%m-%d %H:%M}"}
    text = SCRIPT.read_text(encoding="utf-8").replace("\\\n", " ")
    found = []
    for line in text.splitlines():
        words = shlex.split(line, comments=True)
        if not words or words[0] not in ("step", "refused"):
            continue
        args = []
        for word in words[1:]:
            if word.startswith("$"):
                word = values[word[1:]]
            args.append(word)
        found.append((words[0] == "step", args))
    return found


def build(workflow: Path, db: Path, meeting: dt.datetime | None = None) -> None:
    """Run the demo's commands against a new SQLite file ``db``."""
    if meeting is None:
        meeting = dt.datetime.now(dt.UTC) + dt.timedelta(days=5)
    steps = commands(workflow, meeting)
    assert len(steps) > 10, f"{SCRIPT} changed shape: only {len(steps)} commands found"
    for must_succeed, args in steps:
        result = run_cli(*args, env={"LIFECYCLE_DB": os.fspath(db)}, cwd=ROOT)
        if (result.returncode == 0) != must_succeed:
            raise AssertionError(
                f"demo command {'succeeded' if result.returncode == 0 else 'failed'} unexpectedly: "
                f"lifecycle {shlex.join(args)}\n{result.stdout}{result.stderr}"
            )
