"""The CLI's contract: exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import click
import pytest
from cli_run import run_cli as run

from lifecycle.cli import COMMANDS, cli

MINIMAL = """\
id: demo
title: Demo partnership
organizations:
  plan: {name: Riverside Health Plan, kind: payer}
"""


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


def test_debug_shows_an_unexpected_error_on_screen_and_writes_no_log(tmp_path, monkeypatch):
    monkeypatch.setitem(COMMANDS, "boom", "lifecycle.no_such_module:boom")
    monkeypatch.setenv("LIFECYCLE_LOG_DIR", str(tmp_path))
    result = run("--debug", "boom")
    assert result.returncode == 3
    assert result.stderr.startswith("Traceback (most recent call last)")
    assert result.stderr.rstrip().endswith("No module named 'lifecycle.no_such_module'")
    assert list(tmp_path.iterdir()) == []


@click.command()
def interrupted() -> None:
    raise KeyboardInterrupt


@click.command()
def abandoned() -> None:
    raise click.Abort


@pytest.mark.parametrize(
    ("command", "status", "message"),
    # click ends the ^C line with a newline of its own.
    [("interrupted", 130, "\ninterrupted\n"), ("abandoned", 1, "aborted\n")],
)
def test_ctrl_c_exits_130_and_abort_1_with_one_word_and_no_traceback(monkeypatch, command, status, message):
    monkeypatch.setitem(COMMANDS, command, f"test_cli_basics:{command}")
    result = run(command)
    assert (result.returncode, result.stdout, result.stderr) == (status, "", message)
