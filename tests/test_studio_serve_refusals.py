"""``lifecycle serve`` refuses a database it cannot open with one line, after it
has bound its port (run in this process: the refusal comes before the server
starts), and leaves the port free for the next try."""

from __future__ import annotations

import socket
from pathlib import Path

from cli_run import run_cli

ROOT = Path(__file__).resolve().parent.parent
GO_TO = ROOT / "workflows" / "examples" / "go-to-escalation.yaml"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_missing_database_is_one_line_and_the_port_is_let_go(tmp_path: Path) -> None:
    port = _free_port()
    missing = tmp_path / "missing.db"
    done = run_cli("serve", str(GO_TO), "--db", str(missing), "--port", str(port))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "no lifecycle database" in lines[0] and str(missing) in lines[0]
    with socket.socket() as again:
        again.bind(("127.0.0.1", port))
