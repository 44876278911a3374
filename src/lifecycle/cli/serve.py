"""``lifecycle serve``: the studio, a local web app for facilitation sessions."""

from __future__ import annotations

import click


@click.command()
@click.argument("target", metavar="FILE_OR_FOLDER", type=click.Path(exists=True))
@click.option(
    "--db", metavar="URL", help="A database URL or SQLite file: adds the gates dashboard (read-only)."
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="The port (0: any free one).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to bind; anything but loopback lets other machines see the workflow.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the web browser.")
def serve(target: str, db: str | None, port: int, host: str, open_browser: bool) -> None:
    """Serve a live map of a workflow file (or a folder of them) in the browser.

    The page shows the swimlane map, findings, RACI matrix, resilience and
    what-if, and follows the file as it is saved. With --db, every tracked
    partnership's readiness gates. Stop with Ctrl+C.
    """
    import socket
    import webbrowser

    from lifecycle.studio.listen import listening_socket

    # The port first: a busy one is refused before the application loads.
    try:
        sock = listening_socket(host, port)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None

    import uvicorn

    from lifecycle.studio import create_app
    from lifecycle.studio.guard import LOOPBACK_HOSTS

    # On loopback, other Host names are refused (DNS rebinding); bound to another
    # address, the machine's own names are not known in advance.
    hosts = LOOPBACK_HOSTS if host in LOOPBACK_HOSTS else ("*",)
    try:
        app = create_app(target, db=db, allowed_hosts=hosts)
    except BaseException:
        sock.close()
        raise
    shown = f"[{host.strip('[]')}]" if sock.family == socket.AF_INET6 else host
    url = f"http://{shown}:{sock.getsockname()[1]}/"
    click.echo(f"lifecycle studio: {url} (Ctrl+C stops it)", err=True)
    if open_browser:
        webbrowser.open(url)
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1)
    uvicorn.Server(config).run(sockets=[sock])
