"""The CLI's contract: exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import subprocess
import sys

from lifecycle.cli import cli

MINIMAL = """\
id: demo
title: Demo partnership
organizations:
  plan: {name: Riverside Health Plan, kind: payer}
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lifecycle", *args], capture_output=True, text=True)


def test_validate_valid_file_exits_0_with_summary(write):
    path = write(MINIMAL)
    result = run("validate", str(path))
    assert result.returncode == 0
    assert f"{path}: valid; 1 organization" in result.stdout


def test_validate_invalid_file_exits_1_with_located_line(write):
    path = write(MINIMAL + "colour: blue\n")
    result = run("validate", str(path))
    assert result.returncode == 1
    assert result.stdout.strip() == f"{path}:5:1: error E201: unknown field 'colour' in workflow"
    assert "Traceback" not in result.stdout + result.stderr


def test_usage_error_exits_2():
    result = run("validate")
    assert result.returncode == 2
    assert "Missing argument" in result.stderr


def test_help_lists_commands(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "validate" in result.output and "schema" in result.output
