"""Timing and memory helpers for the benchmarks: every run in a fresh process.

Cold start and peak memory only mean something in a new interpreter, so each
run here is a child process. Its peak resident memory is the high-water mark of
its own address space: ``VmHWM`` of ``/proc/self/status`` for Python children,
GNU ``/usr/bin/time`` for commands. (``ru_maxrss`` from ``wait4`` or
``RUSAGE_CHILDREN`` would not do: Linux counts the memory a child had before
``exec``, that is the forking parent's, which here holds generated workflows.)

- :func:`run_command` runs a command line (``lifecycle --help``, ``dot -Tsvg``)
  and times it from the outside, start to exit.
- :func:`run_function` runs ``module:function`` in a fresh ``python`` (this
  file is the child's entry point); the function times its own steps and
  returns them as a dict of numbers, printed back as JSON.

Both return :class:`Runs`: one record per run, summarized as min/median/max.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIME = "/usr/bin/time"


@dataclass
class Runs:
    """The figures of several runs of one measurement, by name."""

    records: list[dict[str, float]] = field(default_factory=list)

    def values(self, name: str) -> list[float]:
        """Every run's figure ``name``."""
        return [record[name] for record in self.records]

    def min(self, name: str) -> float:
        return min(self.values(name))

    def median(self, name: str) -> float:
        return statistics.median(self.values(name))

    def max(self, name: str) -> float:
        return max(self.values(name))

    def spread(self, name: str, unit: str = "s", digits: int = 3) -> str:
        """``min / median / max`` of ``name``, for a table cell."""
        parts = (self.min(name), self.median(name), self.max(name))
        return " / ".join(f"{value:.{digits}f}" for value in parts) + (f" {unit}" if unit else "")


def _wait(process: subprocess.Popen[bytes], timeout: float | None) -> int:
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise


def peak_mb() -> float:
    """This process's peak resident memory in MB, from ``/proc/self/status``."""
    status = Path("/proc/self/status")
    if status.exists():
        found = re.search(r"^VmHWM:\s*(\d+) kB", status.read_text(), re.M)
        if found:
            return int(found.group(1)) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run(argv: Sequence[str], stdin: bytes | None, timeout: float | None) -> tuple[str, float]:
    """Run ``argv`` to success; its output, and its peak resident memory in MB
    when GNU ``time`` is there to measure it (else NaN)."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile() as peak,
    ):
        timed = [TIME, "-q", "-f", "%M", "-o", peak.name] if os.path.exists(TIME) else []
        process = subprocess.Popen(
            [*timed, *argv],
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])},
        )
        if stdin is not None:
            assert process.stdin is not None
            process.stdin.write(stdin)
            process.stdin.close()
        code = _wait(process, timeout)
        out.seek(0)
        err.seek(0)
        if code != 0:
            raise RuntimeError(
                f"{' '.join(argv)} exited {code}: {err.read().decode(errors='replace').strip()}"
            )
        kilobytes = Path(peak.name).read_text().strip() if timed else ""
        return out.read().decode(errors="replace"), int(kilobytes) / 1024 if kilobytes else math.nan


def run_command(
    argv: Sequence[str], *, runs: int, stdin: bytes | None = None, timeout: float | None = None
) -> Runs:
    """Run ``argv`` ``runs`` times; each record has ``seconds`` and ``peak_mb``.

    The command must succeed (exit 0); its output is discarded.
    """
    result = Runs()
    for _ in range(runs):
        began = time.perf_counter()
        _, peak = _run(argv, stdin, timeout)
        result.records.append({"seconds": time.perf_counter() - began, "peak_mb": peak})
    return result


def run_function(target: str, *args: str, runs: int, timeout: float | None = None) -> Runs:
    """Call ``module:function(*args)`` in a fresh interpreter, ``runs`` times.

    Each record is the dict of figures the function returned, plus ``peak_mb``:
    the child's peak resident memory (interpreter and imports included).
    """
    result = Runs()
    for _ in range(runs):
        out, _ = _run([sys.executable, str(Path(__file__).resolve()), target, *args], None, timeout)
        result.records.append(json.loads(out.strip().splitlines()[-1]))
    return result


def _child(target: str, args: list[str]) -> None:
    module, _, name = target.partition(":")
    figures = getattr(importlib.import_module(module), name)(*args)
    print(json.dumps({**figures, "peak_mb": peak_mb()}))


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2:])
