"""The studio answers each request on a kept-alive connection at once: every
connection it accepts has Nagle's algorithm off, as ``lifecycle serve`` and the
end-to-end tests serve it (without, each response after the first on a
connection waited for the browser's delayed acknowledgement, 40 ms on Linux)."""

from __future__ import annotations

import http.client
import os
import socket
import stat
from pathlib import Path

import pytest
from studio_live import LiveServer

from lifecycle.studio import create_app
from lifecycle.studio.listen import listening_socket

ROOT = Path(__file__).resolve().parent.parent
GO_TO = ROOT / "workflows" / "examples" / "go-to-escalation.yaml"


def _accepted(client: socket.socket) -> socket.socket:
    """The studio's end of ``client``'s connection, found among this process's
    open files (the studio runs in a thread of it)."""
    for name in os.listdir("/proc/self/fd"):
        # Only sockets are duplicated: a copy of any other file would be left open, and
        # a copy of a locked file holds its lock (postgres.py's shared lock among them).
        try:
            if not stat.S_ISSOCK(os.fstat(int(name)).st_mode):
                continue
            copy = os.dup(int(name))
        except OSError:
            continue
        try:
            found = socket.socket(fileno=copy)
        except OSError:
            os.close(copy)
            continue
        try:
            if found.type == socket.SOCK_STREAM and found.getpeername() == client.getsockname():
                return found
        except OSError:
            pass
        found.close()
    raise AssertionError("the studio's end of the connection is not open in this process")


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_every_connection_the_studio_accepts_sends_without_delay() -> None:
    app = create_app(str(GO_TO), watch_files=False)
    with LiveServer(app) as server:
        host, port = server.url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            for path in ("/api/files", "/assets/studio.css", "/api/files"):
                connection.request("GET", path)
                response = connection.getresponse()
                assert response.status == 200 and response.read()
            assert connection.sock is not None
            with _accepted(connection.sock) as served:
                assert served.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        finally:
            connection.close()


def test_a_busy_address_is_refused() -> None:
    with listening_socket("127.0.0.1", 0) as busy:
        port = busy.getsockname()[1]
        with pytest.raises(OSError):
            listening_socket("127.0.0.1", port)
