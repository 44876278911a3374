"""The socket the studio serves on, made before the server starts so that its
address can be printed (and a busy port refused) first."""

from __future__ import annotations

import socket

__all__ = ["listening_socket"]


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host``:``port`` (``0``: any free port), listening.

    The protocol is named (``IPPROTO_TCP``, not the default ``0``): asyncio turns
    Nagle's algorithm off only on connections accepted from such a socket, and
    with it on, every response after the first on a kept-alive connection
    waited 40 ms for the browser's delayed acknowledgement (a page load makes
    about eight requests, an update after a save three).

    Raises
    ------
    OSError
        When the address cannot be bound (a busy port, an address not on this machine).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        # Listening before the address is printed: a page opened at once waits in
        # the backlog instead of being refused while the server starts.
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock
