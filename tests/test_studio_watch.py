"""The studio's file watcher on a real folder: a save reaches the pages showing
that file, and only the files pages have asked for are read again, so a save in
a big folder does not wait for every other workflow in it to be loaded."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import anyio
import pytest

from lifecycle.studio.events import Hub, watch
from lifecycle.studio.state import Studio
from lifecycle.studio.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
GO_TO = ROOT / "workflows" / "examples" / "go-to-escalation.yaml"
# Sorted before the shown file: the watcher goes through files in name order,
# so by the time the shown file's change is published the other has had its turn.
UNREAD, SHOWN = "a-never-asked-for.yaml", "b-shown.yaml"


def _save(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.swp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


async def _next(queue: Any, wanted: Any, seen: list[dict[str, Any]]) -> dict[str, Any]:
    while True:
        event: dict[str, Any] = await queue.get()
        seen.append(event)
        if wanted(event):
            return event


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_a_save_reaches_the_shown_file_and_reads_no_other(tmp_path: Path, anyio_backend: str) -> None:
    text = GO_TO.read_text(encoding="utf-8")
    (tmp_path / SHOWN).write_text(text, encoding="utf-8")
    studio = Studio(Workspace.at(tmp_path))
    first = studio.snapshot(SHOWN)
    hub, stop = Hub(), anyio.Event()
    queue = hub.subscribe()
    seen: list[dict[str, Any]] = []
    with anyio.fail_after(20):
        async with anyio.create_task_group() as group:
            group.start_soon(watch, studio, hub, stop)
            # The watcher starts in the background: save until it reports a change.
            for n in range(200):
                _save(tmp_path / SHOWN, text + f"\n# save {n}\n")
                with anyio.move_on_after(0.1):
                    await _next(queue, lambda e: e.get("file") == SHOWN, seen)
                    break
            _save(tmp_path / UNREAD, text)
            await _next(queue, lambda e: UNREAD in e.get("files", ()), seen)
            _save(tmp_path / SHOWN, text.replace("Resolve member barriers", "Clear member barriers", 1))
            shown = await _next(queue, lambda e: e.get("file") == SHOWN and "Clear" in _title(studio), seen)
            stop.set()
    assert shown["version"] > first.version and shown["ok"]
    assert [e for e in seen if e.get("file") == UNREAD] == []
    assert studio.read_names() == [SHOWN]


def _title(studio: Studio) -> str:
    document = studio.snapshot(SHOWN).document
    assert document is not None
    phases = document.workflow.phases.values()
    return " ".join(task.title for phase in phases for task in phase.tasks.values())
