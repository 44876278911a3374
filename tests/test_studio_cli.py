"""``lifecycle serve`` as a user starts it: it prints its address, answers there on
loopback, and refuses a busy port or a missing file with one line."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = str(Path(sys.executable).with_name("lifecycle"))
GO_TO = ROOT / "workflows" / "examples" / "go-to-escalation.yaml"


def test_serve_prints_its_loopback_address_and_answers_there() -> None:
    with subprocess.Popen(
        [CLI, "serve", str(GO_TO), "--port", "0"], stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stderr is not None
            line = process.stderr.readline()
            found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            assert found, line
            with urllib.request.urlopen(f"{found.group(0)}api/files", timeout=10) as response:
                assert json.load(response)["files"] == ["go-to-escalation.yaml"]
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_a_busy_port_is_one_clear_line() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [CLI, "serve", str(GO_TO), "--port", str(port)], capture_output=True, text=True, timeout=30
        )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [CLI, "serve", str(tmp_path / "nope.yaml")], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert "does not exist" in done.stderr and "Traceback" not in done.stderr
