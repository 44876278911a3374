"""The real entry points, in real processes: ``lifecycle`` and ``python -m lifecycle``.

Every other CLI test runs the command in-process (``cli_run.run_cli``); these
show that what it sees is what a user's shell sees: the same exit code, the
same standard output and standard error, and the same crash log.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from cli_run import CliResult, run_cli, run_process, script
from test_cli_basics import MINIMAL as VALID

from lifecycle.cli import COMMANDS

# A command whose module is missing: an unexpected error inside the CLI, as a bug would be.
BROKEN = "lifecycle.no_such_module:boom"
WITH_BROKEN_COMMAND = f"import lifecycle.cli as cli; cli.COMMANDS['boom'] = {BROKEN!r}; cli.main()"
CRASH_LOG = re.compile(r"the details are in (\S+); please attach it to a bug report")


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "logs"
    folder.mkdir()
    monkeypatch.setenv("LIFECYCLE_LOG_DIR", str(folder))
    return folder


@pytest.mark.parametrize(
    ("entry", "content", "extra", "status"),
    [
        ("script", VALID, [], 0),
        ("module", VALID + "colour: blue\n", [], 1),
        ("script", VALID, ["--fail-on", "sometimes"], 2),
    ],
    ids=["valid-0", "invalid-1", "usage-2"],
)
def test_a_real_process_and_an_in_process_run_agree(
    write, entry: str, content: str, extra: list[str], status: int
) -> None:
    path = write(content)
    command = [str(script())] if entry == "script" else [sys.executable, "-m", "lifecycle"]
    args = ["check" if extra else "validate", str(path), *extra]
    real = run_process(*args, command=command)
    assert real.returncode == status, real.stderr
    assert real.stdout or real.stderr
    assert "Traceback" not in real.stdout + real.stderr
    assert run_cli(*args) == real


def test_an_unexpected_error_exits_3_with_a_crash_log_in_both(
    log_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = run_process("boom", "--flag", command=[sys.executable, "-c", WITH_BROKEN_COMMAND])
    monkeypatch.setitem(COMMANDS, "boom", BROKEN)
    here = run_cli("boom", "--flag")
    for result in (real, here):
        assert result.returncode == 3
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 2
        assert lines[0] == (
            "lifecycle: internal error: ModuleNotFoundError: No module named 'lifecycle.no_such_module'"
        )
        log = _crash_log(result, log_dir)
        assert "arguments: ['boom', '--flag']" in log.splitlines()
        assert "Traceback (most recent call last)" in log
        assert log.rstrip().endswith("ModuleNotFoundError: No module named 'lifecycle.no_such_module'")
    assert len(list(log_dir.iterdir())) == 2


def _crash_log(result: CliResult, folder: Path) -> str:
    found = CRASH_LOG.search(result.stderr)
    assert found, result.stderr
    path = Path(found.group(1))
    assert path.parent == folder
    return path.read_text(encoding="utf-8")
