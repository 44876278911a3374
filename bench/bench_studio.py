"""The studio under load: how long from saving a workflow to the updated map in a
real browser, and whether 100 pages listening at once are all served.

    .venv/bin/python bench/bench_studio.py            # 20 saves of each shipped workflow
    .venv/bin/python bench/bench_studio.py --saves 3  # a quick look

The studio runs as ``lifecycle serve`` in its own process on a free loopback
port; headless Chromium (Debian's ``chromium``) shows the page. Each save writes
a new workflow title (as editors do: a new file renamed over the old) and the
clock stops when the map on the page shows it. Then 100 event streams connect
at once, one more save is made, and every stream must receive it, within 30 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = [
    *sorted((ROOT / "workflows").glob("*.yaml")),
    ROOT / "workflows" / "examples" / "go-to-escalation.yaml",
]
CLI = str(Path(sys.executable).with_name("lifecycle"))
TITLE = re.compile(r"^title: (.*)$", re.M)


def start_studio(folder: Path) -> tuple[subprocess.Popen[str], str]:
    """``lifecycle serve folder --port 0`` and the address it prints."""
    process = subprocess.Popen([CLI, "serve", str(folder), "--port", "0"], stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    line = process.stderr.readline()
    found = re.search(r"http://[^ ]+/", line)
    if not found:
        process.kill()
        raise SystemExit(f"the studio did not start: {line}")
    return process, found.group(0).rstrip("/")


def save(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.swp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def save_to_map(url: str, folder: Path, saves: int, chromium: str) -> dict[str, list[float]]:
    """Seconds from each save to the map showing it, per workflow."""
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        for path in sorted(folder.glob("*.yaml")):
            original = path.read_text(encoding="utf-8")
            page.goto(f"{url}/?file={path.name}")
            page.wait_for_selector("#live.on")
            page.wait_for_selector("#map svg")
            times[path.name] = []
            for n in range(saves):
                marker = f"E{n:03d}X"
                edited = TITLE.sub(
                    lambda m, marker=marker: f"title: {marker} {m.group(1)}", original, count=1
                )
                began = time.perf_counter()
                save(path, edited)
                page.wait_for_function(
                    "marker => document.querySelector('#map svg').textContent.includes(marker)",
                    arg=marker,
                    polling="raf",
                )
                times[path.name].append(time.perf_counter() - began)
            save(path, original)
        browser.close()
    return times


async def _listen(host: str, port: int, ready: asyncio.Event, counter: list[int]) -> bool:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET /api/events HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    status = await reader.readline()
    ok = b" 200 " in status
    seen_hello = False
    while ok:
        line = await reader.readline()
        if not line:
            ok = False
            break
        if line.startswith(b"event: hello") and not seen_hello:
            seen_hello = True
            counter[0] += 1
            if counter[0] == counter[1]:
                ready.set()
        if line.startswith(b"event: change"):
            break
    writer.close()
    return ok


async def many_listeners(url: str, folder: Path, clients: int, limit: float) -> tuple[int, int, float]:
    """(streams that got the change, streams that failed, seconds) for ``clients`` at once."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    ready = asyncio.Event()
    counter = [0, clients]
    began = time.perf_counter()
    tasks = [asyncio.create_task(_listen(host, int(port), ready, counter)) for _ in range(clients)]
    await asyncio.wait_for(ready.wait(), timeout=limit)
    path = next(iter(sorted(folder.glob("*.yaml"))))
    text = path.read_text(encoding="utf-8")
    save(path, text + "\n# one more save\n")
    results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=limit)
    elapsed = time.perf_counter() - began
    save(path, text)
    served = sum(1 for r in results if r is True)
    return served, clients - served, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--clients", type=int, default=100)
    args = parser.parse_args()
    chromium = os.environ.get("LIFECYCLE_CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        raise SystemExit("no chromium: apt-get install chromium")
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for path in SHIPPED:
            shutil.copy(path, folder / path.name)
        process, url = start_studio(folder)
        try:
            times = save_to_map(url, folder, args.saves, chromium)
            served, failed, elapsed = asyncio.run(many_listeners(url, folder, args.clients, 30.0))
        finally:
            process.terminate()
            process.wait(timeout=10)
    print(f"save to updated map in the browser, {args.saves} saves each (seconds):")
    print("| workflow | median | p95 | max |")
    print("| --- | --- | --- | --- |")
    for name, seconds in times.items():
        p95 = statistics.quantiles(seconds, n=20, method="inclusive")[-1] if len(seconds) > 1 else seconds[0]
        print(f"| {name} | {statistics.median(seconds):.3f} | {p95:.3f} | {max(seconds):.3f} |")
    print(
        f"{args.clients} event streams at once: {served} got the change, {failed} failed, in {elapsed:.2f} s"
    )
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
