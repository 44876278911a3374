"""Tell every open page when a served file changed: a hub of subscribers fed by
a file watcher (watchfiles), read as server-sent events."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import anyio
from watchfiles import awatch

from lifecycle.studio.state import Snapshot, Studio

__all__ = ["Hub", "TooManyListeners", "watch"]


class TooManyListeners(Exception):
    """More pages listen than the hub serves."""


class Hub:
    """Subscribers (one queue per open event stream) and what is published to them.

    Parameters
    ----------
    limit
        The most event streams served at once; one more is refused.
    """

    def __init__(self, limit: int = 500) -> None:
        self.limit = limit
        self._queues: set[asyncio.Queue[dict[str, Any]]] = set()

    def subscribe(self) -> asyncio.Queue[dict[str, Any]]:
        """A new queue that receives every event from now on.

        Raises
        ------
        TooManyListeners
            When :attr:`limit` streams are open already.
        """
        if len(self._queues) >= self.limit:
            raise TooManyListeners(f"{self.limit} pages are listening already")
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=64)
        self._queues.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        """Stop sending to ``queue``."""
        self._queues.discard(queue)

    @property
    def listeners(self) -> int:
        """How many event streams are open."""
        return len(self._queues)

    def publish(self, event: dict[str, Any]) -> None:
        """Send ``event`` to every subscriber; a page too slow to keep up misses
        events but not the next one, which makes it fetch the file again."""
        for queue in list(self._queues):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)


async def watch(
    studio: Studio, hub: Hub, stop: anyio.Event, changed: Callable[[Snapshot], None] | None = None
) -> None:
    """Publish ``{"file", "version", "ok"}`` whenever a served file changes, and
    ``{"files"}`` when files appear or go, until ``stop`` is set.

    Editors save by writing a new file and renaming it over the old, so the
    folder is watched, not the file; a change is picked up within about 50 ms.
    ``changed`` is then called (in a worker thread) with the file's new snapshot.
    Only the files read so far are read again: no page shows the others, which
    are read when first asked for, so a save does not wait for every file of
    the folder to be loaded and checked.
    """
    workspace = studio.workspace
    names = workspace.names()
    async for _changes in awatch(
        workspace.root, debounce=50, step=20, stop_event=stop, recursive=workspace.only is None
    ):
        now = await anyio.to_thread.run_sync(workspace.names)
        if now != names:
            names = now
            hub.publish({"files": names})
        for name in studio.read_names():
            snapshot = await anyio.to_thread.run_sync(studio.refresh, name)
            if snapshot is not None:
                hub.publish({"file": name, "version": snapshot.version, "ok": not snapshot.errors})
                if changed is not None:
                    await anyio.to_thread.run_sync(changed, snapshot)
