"""The CLI's contract: exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys

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
    assert result.stderr.strip() == f"{path}:5:1: error E201: unknown field 'colour' in workflow"
    assert result.stdout == ""
    assert "Traceback" not in result.stdout + result.stderr


def test_usage_error_exits_2():
    result = run("validate")
    assert result.returncode == 2
    assert "Missing argument" in result.stderr


def test_help_lists_commands(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "validate" in result.output and "schema" in result.output


def test_help_shows_each_commands_own_summary_whole(runner):
    import click

    listing = runner.invoke(cli, ["--help"], terminal_width=200).output
    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):
        own = cli.get_command(ctx, name).get_short_help_str(limit=200)
        assert f"{name}" in listing and own in " ".join(listing.split()), name
        assert not own.endswith("..."), name


def test_an_unexpected_error_exits_3_and_logs_what_a_bug_report_needs(write, tmp_path):
    path = write(MINIMAL)
    code = (
        "import sys, lifecycle.loader, lifecycle.cli\n"
        "def boom(*args, **kwargs):\n"
        "    raise RuntimeError('boom')\n"
        "lifecycle.loader.load = boom\n"
        "lifecycle.cli.main(sys.argv[1:])\n"
    )
    env = {**os.environ, "LIFECYCLE_LOG_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code, "validate", str(path)], capture_output=True, text=True, env=env
    )
    assert result.returncode == 3
    assert "internal error: RuntimeError: boom" in result.stderr
    assert "Traceback" not in result.stderr
    (log,) = tmp_path.glob("lifecycle-crash-*.log")
    text = log.read_text()
    assert text.startswith("lifecycle 0.1.0\nPython 3.")
    for needed in ("platform ", "pydantic ", "networkx ", "transitions ", "sqlalchemy ", "graphviz version"):
        assert needed in text.lower(), needed
    assert "RuntimeError: boom" in text and "Traceback" in text


def test_an_argument_that_is_not_utf8_is_a_usage_error_not_a_crash(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "lifecycle", "validate", os.fsencode(tmp_path) + b"/\xff.yaml"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == f"lifecycle: argument 2 ({tmp_path}/\\xff.yaml) is not UTF-8 text"


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
