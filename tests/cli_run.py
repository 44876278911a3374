"""Run the ``lifecycle`` command in this process, as a user's shell would see it.

:func:`run_cli` calls :func:`lifecycle.cli.main`, the console script's own entry
point, so the exit codes (0 ok, 1 invalid input or findings, 2 usage, 3 crash),
the one-line errors and the crash log behave exactly as in a real process;
only the interpreter start-up (about half a second here) is saved. Standard
output and standard error come back separately, as text and as bytes.

Tests that need a real process (the entry point itself, two processes at once)
use :func:`run_process`, which returns the same :class:`CliResult`.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from lifecycle.cli import main


@dataclass(frozen=True)
class CliResult:
    """What one run of the command left behind: its exit status and its two streams."""

    returncode: int
    stdout_bytes: bytes
    stderr_bytes: bytes

    @property
    def stdout(self) -> str:
        return self.stdout_bytes.decode("utf-8")

    @property
    def stderr(self) -> str:
        return self.stderr_bytes.decode("utf-8", errors="backslashreplace")


def run_cli(
    *args: str | os.PathLike[str],
    input: str | bytes | None = None,
    env: Mapping[str, str | None] | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> CliResult:
    """Run ``lifecycle ARGS...`` in this process and return what it did.

    Parameters
    ----------
    args
        The command-line arguments after ``lifecycle``; paths are turned into strings.
    input
        Text or bytes for standard input.
    env
        Environment variables to set (a value of ``None`` removes one) for this run only.
    cwd
        The working directory for this run only.
    """
    argv = [os.fspath(arg) for arg in args]
    with (
        contextlib.chdir(cwd if cwd is not None else os.getcwd()),
        _program_arguments(["lifecycle", *argv]),
        CliRunner().isolation(input=input, env=env) as (stdout, stderr, _mixed),
    ):
        try:
            main(argv)
        except SystemExit as exc:
            status = _exit_status(exc)
        else:  # main() always exits; returning is a bug the test should see
            raise AssertionError("lifecycle.cli.main returned instead of exiting")
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
    return CliResult(status, stdout.getvalue(), stderr.getvalue())


def run_process(
    *args: str | os.PathLike[str],
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float = 120,
    command: list[str] | None = None,
) -> CliResult:
    """Run the command in a new Python process (``python -m lifecycle`` unless ``command`` is given).

    ``env`` is added to this process's environment; ``timeout`` only catches a hang.
    """
    full_env = {**os.environ, **env} if env is not None else None
    process = subprocess.run(
        [*(command or [sys.executable, "-m", "lifecycle"]), *(os.fspath(arg) for arg in args)],
        capture_output=True,
        env=full_env,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
    return CliResult(process.returncode, process.stdout, process.stderr)


def script() -> Path:
    """The installed ``lifecycle`` console script of this interpreter's environment."""
    return Path(sys.executable).with_name("lifecycle")


@contextlib.contextmanager
def _program_arguments(argv: list[str]) -> Iterator[None]:
    # The crash log records sys.argv; give it the command's, not pytest's.
    saved = sys.argv
    sys.argv = argv
    try:
        yield
    finally:
        sys.argv = saved


def _exit_status(exc: SystemExit) -> int:
    # As the interpreter does: None is success, an int is the status, anything else is 1.
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    return 1
