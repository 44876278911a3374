"""``lifecycle`` commands in new processes, for the start-up of one interpreter.

A new interpreter per command costs about a twentieth of a CPU-second more than
a fork (Python, click and the command line imported again); the rest is the
command's own imports.

:func:`run_fresh` starts one new interpreter that imports the command line and
then forks a child per command: each child starts from that same untouched
state, as a new interpreter would after ``from lifecycle.cli import main``, so
no command sees what another imported, cached or left behind, and each works
from a cold start or fails. A module in a child's ``sys.modules`` after its
command (or after its exit handlers, run as at any exit) that was not there
before was imported by that command; :meth:`Ran.first_importer` names it.

:func:`run_in_turn` runs the commands one after another in one new interpreter,
where the later ones reuse what the earlier ones imported: cheaper, for the
tests whose subject is what the commands do to a database, not how each starts.

Each command goes through :func:`cli_run.run_cli`, the console script's own
entry point, so each has its exit status and its two streams apart. Anything
that escapes the entry point ends the process with a traceback, and the call
fails with it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cli_run import CliResult

_CHILD = """
import atexit, importlib, json, os, sys
commands, preload = json.load(sys.stdin)
sys.path.append(sys.argv[1])
from cli_run import run_cli
for name in preload:
    importlib.import_module(name)

def line(stream, value):
    stream.write(json.dumps(value) + "\\n")
    stream.flush()

def run(command, report):
    result = run_cli(*command)
    line(report, {
        "returncode": result.returncode,
        "stdout": result.stdout_bytes.hex(),
        "stderr": result.stderr_bytes.hex(),
        "modules": sorted(sys.modules),
    })

line(sys.stdout, sorted(sys.modules))
for command in commands:
    if sys.argv[2] == "in-turn":
        run(command, sys.stdout)
        continue
    read_end, write_end = os.pipe()
    if os.fork() == 0:
        os.close(read_end)
        report = os.fdopen(write_end, "w")
        # Registered first, so it runs last: imports made by other exit handlers count too.
        atexit.register(lambda: line(report, sorted(sys.modules)))
        run(command, report)
        sys.exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as report:
        lines = report.read().splitlines()
    _pid, status = os.wait()
    if os.waitstatus_to_exitcode(status) != 0 or len(lines) != 2:
        sys.exit(f"the child running {command} exited {os.waitstatus_to_exitcode(status)}")
    for value in lines:
        sys.stdout.write(value + "\\n")
    sys.stdout.flush()
"""


@dataclass(frozen=True)
class Ran:
    """What each command did; the modules there before any, after each and at its exit."""

    commands: list[list[str]]
    results: list[CliResult]
    modules_before: frozenset[str]
    modules_after: list[frozenset[str]]
    modules_at_exit: list[frozenset[str]]

    def first_importer(self, module: str) -> list[str] | None:
        """The first command that imported ``module`` (while it ran or while its process
        exited); ``["(start)"]`` when it was there before any command (imported by the
        harness); None when no command imported it."""
        if module in self.modules_before:
            return ["(start)"]
        for command, after, at_exit in zip(
            self.commands, self.modules_after, self.modules_at_exit, strict=True
        ):
            if module in after or module in at_exit:
                return command
        return None


def run_fresh(
    commands: Sequence[Sequence[str | os.PathLike[str]]],
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
    preload: Sequence[str] = (),
) -> Ran:
    """Run each of ``commands`` (the arguments after ``lifecycle``) in its own fork of
    one new Python interpreter; ``env`` is added to this process's environment.

    ``preload`` names packages the interpreter imports before forking: only packages
    that every one of the commands imports itself (a database driver), as importing a
    package again gives the module it already has; never one a test looks for.
    """
    lines = _interpreter(commands, "fresh", env, timeout, preload)
    records = [json.loads(line) for line in lines[1::2]]
    return Ran(
        commands=[[os.fspath(arg) for arg in command] for command in commands],
        results=[_result(record) for record in records],
        modules_before=frozenset(json.loads(lines[0])),
        modules_after=[frozenset(record["modules"]) for record in records],
        modules_at_exit=[frozenset(json.loads(line)) for line in lines[2::2]],
    )


def run_in_turn(
    commands: Sequence[Sequence[str | os.PathLike[str]]],
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> list[CliResult]:
    """Run ``commands`` one after another in one new Python interpreter; ``env`` is
    added to this process's environment."""
    return [_result(json.loads(line)) for line in _interpreter(commands, "in-turn", env, timeout, ())[1:]]


def _interpreter(
    commands: Sequence[Sequence[str | os.PathLike[str]]],
    mode: str,
    env: Mapping[str, str] | None,
    timeout: float,
    preload: Sequence[str],
) -> list[str]:
    listed = [[os.fspath(arg) for arg in command] for command in commands]
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, str(Path(__file__).resolve().parent), mode],
        input=json.dumps([listed, list(preload)]),
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        check=False,
    )
    lines = child.stdout.splitlines()
    expected = 1 + len(listed) * (2 if mode == "fresh" else 1)
    if child.returncode != 0 or len(lines) != expected:
        raise AssertionError(f"the interpreter running {listed} exited {child.returncode}: {child.stderr}")
    return lines


def _result(record: dict[str, object]) -> CliResult:
    stdout, stderr, returncode = record["stdout"], record["stderr"], record["returncode"]
    assert isinstance(stdout, str) and isinstance(stderr, str) and isinstance(returncode, int)
    return CliResult(returncode, bytes.fromhex(stdout), bytes.fromhex(stderr))
