"""A real, throwaway PostgreSQL server for the test run.

``server()`` runs ``initdb`` into a temporary folder and starts ``postgres`` on a
free localhost port; it is started once per test process and stopped when the
process exits. PostgreSQL refuses to run as root, so as root the server runs as
the ``postgres`` system user. ``database()`` creates a fresh database on it.
When the server truly cannot be started, ``server()`` says why and the tests
that need it skip with that reason.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass

_STARTED: Server | str | None = None


@dataclass
class Server:
    """A running server: its port and data folder."""

    port: int
    folder: str
    bin: str
    user: str | None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        _run(
            self, [f"{self.bin}/pg_ctl", "-D", f"{self.folder}/data", "-m", "immediate", "stop"], check=False
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def _bindir() -> str | None:
    found = shutil.which("pg_ctl")
    if found:
        return os.path.dirname(found)
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    return os.path.dirname(candidates[0]) if candidates else None


def _run(server: Server, args: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    if server.user:
        args = ["runuser", "-u", server.user, "--", *args]
    return subprocess.run(args, capture_output=True, text=True, check=check, timeout=120)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server() -> Server | str:
    """The shared server, started on first use; a reason string when it cannot start."""
    global _STARTED
    if _STARTED is None:
        _STARTED = _start()
        if isinstance(_STARTED, Server):
            atexit.register(_STARTED.stop)
    return _STARTED


def _start() -> Server | str:
    bindir = _bindir()
    if bindir is None:
        return "PostgreSQL is not installed (no pg_ctl; scripts/test installs the postgresql package)"
    user = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' system user to run the server as"
        user = "postgres"
    folder = tempfile.mkdtemp(prefix="lifecycle-pg-")
    os.chmod(folder, 0o755)
    if user:
        shutil.chown(folder, user)
    srv = Server(_free_port(), folder, bindir, user)
    try:
        _run(srv, [f"{bindir}/initdb", "-D", f"{folder}/data", "-U", "postgres", "-A", "trust", "--no-sync"])
        options = f"-p {srv.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        _run(
            srv,
            [f"{bindir}/pg_ctl", "-D", f"{folder}/data", "-o", options, "-l", f"{folder}/log", "-w", "start"],
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        log = ""
        if os.path.exists(f"{folder}/log"):
            with open(f"{folder}/log", encoding="utf-8", errors="replace") as handle:
                log = handle.read()[-300:]
        shutil.rmtree(folder, ignore_errors=True)
        detail = getattr(exc, "stderr", "") or str(exc)
        return f"PostgreSQL could not be started: {detail.strip()[:300]} {log}".strip()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", srv.port), timeout=1):
                return srv
        except OSError:
            time.sleep(0.1)
    srv.stop()
    return "PostgreSQL started but never accepted connections"


def database(srv: Server) -> str:
    """Create a fresh, empty database on ``srv`` and return its URL."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(
        f"host=127.0.0.1 port={srv.port} user=postgres dbname=postgres", autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return srv.url(name)
