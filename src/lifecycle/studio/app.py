"""The studio's web application (Starlette): the page, its assets, and the JSON,
map, export and event-stream endpoints it reads.

Only what is asked by name from fixed tables is served: the page and its
bundled assets, and the workflow files the :class:`Workspace` lists. Every
response says, through its Content-Security-Policy, that the page may load
nothing from anywhere but this server.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
from sse_starlette.sse import EventSourceResponse
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lifecycle.diagnostics import LifecycleError
from lifecycle.drawing.output import RenderError
from lifecycle.drawing.swimlane import UnknownElement
from lifecycle.loader import Document
from lifecycle.resilience import WhatIfError, whatif
from lifecycle.studio.drawings import EXPORT_TYPES, MapCache, MapRequest, findings_file, raci_file
from lifecycle.studio.events import Hub, TooManyListeners, watch
from lifecycle.studio.guard import LOOPBACK_HOSTS, SecurityHeaders
from lifecycle.studio.params import checked_params, first, flag, targets
from lifecycle.studio.state import Snapshot, Studio
from lifecycle.studio.views import snapshot_view, whatif_view
from lifecycle.studio.workspace import BadName, NotServed, Workspace
from lifecycle.tracking.errors import UnknownName

if TYPE_CHECKING:
    # The tracker (SQLAlchemy) loads with --db only, and the map book (pypdf) at
    # its first export: without them the studio starts 0.3 s sooner.
    from lifecycle.tracking import Tracker

__all__ = ["create_app"]

# The assets, by the only names they are served under.
_ASSETS = {
    "studio.js": "text/javascript; charset=utf-8",
    "studio.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
_SAFE_STEM = re.compile(r"[^A-Za-z0-9._-]+")

T = TypeVar("T")


def _asset(name: str) -> bytes:
    return resources.files("lifecycle.studio").joinpath("static", name).read_bytes()


def create_app(
    target: str,
    *,
    db: str | None = None,
    watch_files: bool = True,
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS,
    listeners: int = 500,
) -> Starlette:
    """The studio application serving the workflow file or folder ``target``.

    Parameters
    ----------
    target
        A workflow file, or a folder whose workflow files (``.yaml``, ``.yml``,
        in any sub-folder but hidden ones) are served.
    db
        A database URL or SQLite file: adds the gates dashboard, read-only.
    watch_files
        Watch the files and push changes to open pages (off in some tests).
    allowed_hosts
        The ``Host`` names answered; others get 400.
    listeners
        The most event streams served at once.

    Raises
    ------
    LifecycleError
        When ``target`` does not exist, or ``db`` cannot be opened.
    """
    studio = Studio(Workspace.at(target))
    hub = Hub(listeners)
    maps = MapCache()
    tracker: Tracker | None = None
    if db is not None:
        from lifecycle.studio.gates import open_read_only

        tracker = open_read_only(db)

    async def in_thread(function: Callable[..., T], *args: Any) -> T:
        try:
            return await anyio.to_thread.run_sync(function, *args)
        except BadName as error:
            raise HTTPException(400, str(error)) from None
        except NotServed as error:
            raise HTTPException(404, str(error)) from None
        except UnknownElement as error:
            raise HTTPException(404, str(error)) from None
        except (WhatIfError, UnknownName) as error:
            raise HTTPException(404, str(error)) from None
        except RenderError as error:
            raise HTTPException(500, str(error)) from None
        except LifecycleError as error:
            raise HTTPException(400, str(error)) from None

    async def snapshot_of(params: dict[str, list[str]]) -> Snapshot:
        name = first(params, "file")
        # Only a missing name means the default: an empty one is refused as malformed.
        if name is None:
            name = studio.workspace.default()
        if name is None:
            raise HTTPException(404, "no workflow files are served here")
        return await in_thread(studio.snapshot, name)

    def good(snapshot: Snapshot) -> Document:
        if snapshot.document is None:
            first = snapshot.errors[0] if snapshot.errors else None
            raise HTTPException(409, f"{snapshot.name} has not loaded yet: {first}")
        return snapshot.document

    def map_request(params: dict[str, list[str]]) -> MapRequest:
        request = MapRequest(
            phase=first(params, "phase") or None,
            journey=first(params, "journey") or None,
            overview=flag(params, "overview"),
            without=targets(params),
        )
        if sum([bool(request.phase), bool(request.journey), request.overview]) > 1:
            raise HTTPException(400, "choose one of phase, journey and overview")
        return request

    async def page(request: Request) -> Response:
        checked_params(request, {"file": False, "view": False})
        return Response(_asset("index.html"), media_type="text/html; charset=utf-8")

    async def asset(request: Request) -> Response:
        checked_params(request, {})
        name = request.path_params["name"]
        if name not in _ASSETS:
            raise HTTPException(404, "no such asset")
        return Response(_asset(name), media_type=_ASSETS[name])

    async def files(request: Request) -> Response:
        checked_params(request, {})
        names = await anyio.to_thread.run_sync(studio.workspace.names)
        return JSONResponse(
            {"files": names, "default": names[0] if names else None, "gates": tracker is not None}
        )

    async def workflow(request: Request) -> Response:
        params = checked_params(request, {"file": False})
        snapshot = await snapshot_of(params)
        return JSONResponse(snapshot_view(snapshot))

    map_params = {"file": False, "phase": False, "journey": False, "overview": False, "without": True}

    async def map_svg(request: Request) -> Response:
        params = checked_params(request, map_params)
        wanted = map_request(params)
        snapshot = await snapshot_of(params)
        svg = await in_thread(maps.get, snapshot, good(snapshot), wanted, "svg")
        return Response(svg, media_type="image/svg+xml", headers={"x-version": str(snapshot.good_version)})

    async def what_if(request: Request) -> Response:
        params = checked_params(request, {"file": False, "without": True})
        if not params.get("without"):
            raise HTTPException(400, "name someone to take out: without=person:ID or without=role:ID")
        snapshot = await snapshot_of(params)
        document = good(snapshot)
        result = await in_thread(whatif, document, list(targets(params)))
        return JSONResponse(whatif_view(result, document.workflow))

    async def export(request: Request) -> Response:
        what, fmt = request.path_params["what"], request.path_params["format"]
        kinds = {
            "map": ("svg", "png", "pdf"),
            "book": ("pdf",),
            "raci": ("xlsx",),
            "findings": ("json", "sarif"),
        }
        if fmt not in kinds.get(what, ()):
            raise HTTPException(404, f"no export {what}.{fmt}")
        params = checked_params(request, map_params if what == "map" else {"file": False})
        snapshot = await snapshot_of(params)
        document = good(snapshot)
        stem = snapshot.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        if what == "map":
            wanted = map_request(params)
            data = await in_thread(maps.get, snapshot, document, wanted, fmt)
            stem = f"{stem}.{wanted.stem()}"
        elif what == "book":
            from lifecycle.drawing.book import book_pdf

            data = await in_thread(book_pdf, document)
            stem = f"{stem}.book"
        elif what == "raci":
            data = await in_thread(raci_file, document)
            stem = f"{stem}.raci"
        else:
            data = await in_thread(findings_file, snapshot, fmt)
            stem = f"{stem}.findings"
        filename = _SAFE_STEM.sub("-", stem) + f".{fmt}"
        return Response(
            data,
            media_type=EXPORT_TYPES[fmt],
            headers={"content-disposition": f'attachment; filename="{filename}"'},
        )

    async def events(request: Request) -> Response:
        checked_params(request, {})
        try:
            queue = hub.subscribe()
        except TooManyListeners as error:
            raise HTTPException(503, str(error)) from None

        async def stream() -> AsyncIterator[dict[str, str]]:
            try:
                yield {"event": "hello", "data": json.dumps({"listeners": hub.listeners})}
                while True:
                    event = await queue.get()
                    yield {"event": "change", "data": json.dumps(event)}
            finally:
                hub.unsubscribe(queue)

        return EventSourceResponse(stream(), ping=15)

    def the_tracker() -> Tracker:
        if tracker is None:
            raise HTTPException(404, "no database: start the studio with --db to see the gates")
        return tracker

    async def gates(request: Request) -> Response:
        checked_params(request, {})
        from lifecycle.studio.gates import dashboard

        rows = await in_thread(dashboard, the_tracker())
        return JSONResponse({"partnerships": rows})

    async def gate(request: Request) -> Response:
        params = checked_params(request, {"partnership": False, "phase": False})
        name = first(params, "partnership")
        if not name:
            raise HTTPException(400, "name the partnership: partnership=NAME")
        from lifecycle.studio.gates import gate_detail

        detail = await in_thread(gate_detail, the_tracker(), name, first(params, "phase") or None)
        return JSONResponse(detail)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return JSONResponse({"error": exc.detail, "status": exc.status_code}, status_code=exc.status_code)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = anyio.Event()
        try:
            async with anyio.create_task_group() as group:
                if watch_files:
                    group.start_soon(watch, studio, hub, stop, maps.warm)
                yield
                stop.set()
        finally:
            if tracker is not None:
                tracker.close()

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/assets/{name}", asset, methods=["GET"]),
        Route("/api/files", files, methods=["GET"]),
        Route("/api/workflow", workflow, methods=["GET"]),
        Route("/api/map.svg", map_svg, methods=["GET"]),
        Route("/api/whatif", what_if, methods=["GET"]),
        Route("/api/events", events, methods=["GET"]),
        Route("/api/gates", gates, methods=["GET"]),
        Route("/api/gate", gate, methods=["GET"]),
        Route("/export/{what}.{format}", export, methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)),
        ],
        exception_handlers={HTTPException: http_error},
        lifespan=lifespan,
    )
    app.state.studio = studio
    app.state.hub = hub
    return app
