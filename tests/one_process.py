"""Several ``lifecycle`` commands, one after another, in ONE new interpreter.

A new interpreter per command costs about a third of a CPU-second of start-up
and imports before the command does anything. Where a test's subject is what a
command imports, or that commands change nothing, one new interpreter for all
of them is as strong, provided ``sys.modules`` is looked at after each command:
a module that turns up there was imported by the command just run (it was not
there before it), so :meth:`Ran.first_importer` names that command. A command
that would import a module on its own also does so after others: a module
already imported by an earlier command would have been reported after that one,
and a function that imports lazily imports whenever it runs.

Each command goes through :func:`cli_run.run_cli`, the console script's own
entry point, so each has its exit status and its two streams apart. Anything
that escapes the entry point ends the child, and :func:`run_in_one_process`
then fails with the child's own standard error.
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
import atexit, json, sys
commands = json.load(sys.stdin)
out = sys.stdout
# Registered first, so it runs last: imports made by other exit handlers count too.
atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=out, flush=True))
sys.path.append(sys.argv[1])
from cli_run import run_cli
print(json.dumps(sorted(sys.modules)), file=out, flush=True)
for command in commands:
    result = run_cli(*command)
    record = {
        "returncode": result.returncode,
        "stdout": result.stdout_bytes.hex(),
        "stderr": result.stderr_bytes.hex(),
        "modules": sorted(sys.modules),
    }
    print(json.dumps(record), file=out, flush=True)
"""


@dataclass(frozen=True)
class Ran:
    """What each command did, and which modules were imported before the first, after
    each and at exit."""

    commands: list[list[str]]
    results: list[CliResult]
    modules_before: frozenset[str]
    modules_after: list[frozenset[str]]
    modules_at_exit: frozenset[str]

    def first_importer(self, module: str) -> list[str] | None:
        """The first command after which ``module`` was imported; ``["(start)"]`` when it
        was there before the first (imported by the harness), ``["(exit)"]`` when it was
        imported only while the interpreter exited; None when it never was."""
        if module in self.modules_before:
            return ["(start)"]
        for command, modules in zip(self.commands, self.modules_after, strict=True):
            if module in modules:
                return command
        return ["(exit)"] if module in self.modules_at_exit else None


def run_in_one_process(
    commands: Sequence[Sequence[str | os.PathLike[str]]],
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> Ran:
    """Run each of ``commands`` (the arguments after ``lifecycle``) in turn in one new
    Python interpreter; ``env`` is added to this process's environment."""
    listed = [[os.fspath(arg) for arg in command] for command in commands]
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, str(Path(__file__).resolve().parent)],
        input=json.dumps(listed),
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        check=False,
    )
    lines = child.stdout.splitlines()
    if child.returncode != 0 or len(lines) != len(listed) + 2:
        raise AssertionError(f"the child running {listed} exited {child.returncode}: {child.stderr}")
    records = [json.loads(line) for line in lines[1:-1]]
    return Ran(
        commands=listed,
        results=[
            CliResult(r["returncode"], bytes.fromhex(r["stdout"]), bytes.fromhex(r["stderr"]))
            for r in records
        ],
        modules_before=frozenset(json.loads(lines[0])),
        modules_after=[frozenset(r["modules"]) for r in records],
        modules_at_exit=frozenset(json.loads(lines[-1])),
    )
