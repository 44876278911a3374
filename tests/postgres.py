"""A real, throwaway PostgreSQL server for the test run.

``server()`` runs ``initdb`` into a temporary folder and starts ``postgres`` on a
free localhost port, once. Under pytest the conftest calls :func:`share_in` with
the run's shared folder, and every process of the run (each xdist worker) uses the
one server the first of them started; the last process to leave stops it. Outside
pytest (the benchmarks) each process starts its own and stops it when it exits.
PostgreSQL refuses to run as root, so as root the server runs as the ``postgres``
system user. ``database()`` creates a fresh database on it: empty, or with
lifecycle's tables already at the newest revision, copied from a template
migrated once per server. When the server truly cannot be started, ``server()``
says why and the tests that need it skip with that reason.
"""

from __future__ import annotations

import atexit
import fcntl
import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

_STARTED: Server | str | None = None
_SHARED: Path | None = None
_TEMPLATE_ON: set[int] = set()
"""Ports of the servers this process knows hold the template."""
TEMPLATE = "lifecycle_migrated"
"""The database every ``database(migrated=True)`` is copied from."""


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


def share_in(folder: Path) -> None:
    """Share one server among every process that calls this with the same ``folder``."""
    global _SHARED
    _SHARED = folder


def server() -> Server | str:
    """The run's server, started on first use; a reason string when it cannot start."""
    global _STARTED
    if _STARTED is None:
        if _SHARED is None:
            _STARTED = _start()
            if isinstance(_STARTED, Server):
                atexit.register(_STARTED.stop)
        else:
            _STARTED = _join(_SHARED)
    return _STARTED


def _join(folder: Path) -> Server | str:
    """The server recorded in ``folder``, started and recorded there if there is none.

    Each process using it holds a shared lock on ``postgres.users`` until it exits;
    the process that then finds nobody else holding it stops the server. Starting,
    joining and stopping all happen under ``postgres.lock``, so a server is never
    stopped under a process that has just joined it.
    """
    state = folder / "postgres.json"
    with _locked(folder / "postgres.lock"):
        if state.exists():
            found = json.loads(state.read_text(encoding="utf-8"))
            srv: Server | str = found if isinstance(found, str) else Server(**found)
        else:
            srv = _start()
            state.write_text(json.dumps(srv if isinstance(srv, str) else asdict(srv)), encoding="utf-8")
        if isinstance(srv, Server):
            users = (folder / "postgres.users").open("a")
            fcntl.flock(users, fcntl.LOCK_SH)
            atexit.register(_leave, folder, srv, users)
    return srv


def _leave(folder: Path, srv: Server, users: IO[str]) -> None:
    with _locked(folder / "postgres.lock"):
        users.close()  # gives up this process's shared lock
        with (folder / "postgres.users").open("a") as check:
            try:
                fcntl.flock(check, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # another process still uses the server; the last one stops it
        srv.stop()
        (folder / "postgres.json").unlink(missing_ok=True)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on the file ``path`` (across processes) for a ``with`` block."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


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
        # Two xdist workers share the server, and the race tests open a dozen connections each.
        options = (
            f"-p {srv.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        )
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


def database(srv: Server, *, migrated: bool = False) -> str:
    """Create a fresh database on ``srv`` and return its URL.

    It is empty, or with ``migrated`` a copy of a database that ``open_store``
    has given lifecycle's tables (every migration, run once per server): the
    same tables, triggers and policies, without running the migrations again.
    """
    import psycopg

    if migrated and srv.port not in _TEMPLATE_ON:
        _template(srv)
        _TEMPLATE_ON.add(srv.port)
    name = f"t_{uuid.uuid4().hex[:12]}"
    source = f" TEMPLATE {TEMPLATE}" if migrated else ""
    with psycopg.connect(_dsn(srv), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{source}')
    return srv.url(name)


def _dsn(srv: Server) -> str:
    return f"host=127.0.0.1 port={srv.port} user=postgres dbname=postgres"


def _template(srv: Server) -> None:
    """Make the migrated template database on ``srv`` unless it is there."""
    import psycopg

    from lifecycle.store import open_store

    with _locked(Path(srv.folder) / "template.lock"), psycopg.connect(_dsn(srv), autocommit=True) as conn:
        made = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [TEMPLATE]).fetchone()
        if made:
            return
        conn.execute(f"DROP DATABASE IF EXISTS {TEMPLATE}_building")  # left by a build that failed
        conn.execute(f"CREATE DATABASE {TEMPLATE}_building")
        open_store(srv.url(f"{TEMPLATE}_building"), create=True).close()
        # Renamed when whole, so that a template that exists is a migrated one;
        # no connections are let in, as copying a database needs.
        conn.execute(f"ALTER DATABASE {TEMPLATE}_building RENAME TO {TEMPLATE}")
        conn.execute(f"ALTER DATABASE {TEMPLATE} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false")
