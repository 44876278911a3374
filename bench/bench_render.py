"""Benchmark the swimlane renderer against bare ``dot`` on the same DOT text.

For generated workflows (default: 200 tasks in 30 roles of 5 organizations over
4 phases, with dependencies and cross-lane handoffs) it times:

- ``lifecycle``: building the map and its DOT (Python), plus Graphviz drawing
  the SVG with the fixed positions (``layout=nop2``: only arrows are routed);
- ``dot (same text)``: ``dot -Tsvg`` laying out that same DOT text itself
  (``layout`` removed), lanes as clusters;
- ``dot (flat)``: ``dot -Tsvg`` on the same nodes and edges with no clusters.

Run ``python bench/bench_render.py`` (or ``... 200x30 400x40 500x50``). Each
figure is the best of 3 runs; a run of bare ``dot`` is stopped after 120 s.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import time

from lifecycle.drawing.draw import draw_lane_map
from lifecycle.drawing.swimlane import swimlane_map
from lifecycle.model import Workflow

ORGS = (("plan", "payer"), ("hub", "cch"), ("cbo-a", "cbo"), ("cbo-b", "cbo"), ("cbo-c", "cbo"))
PHASES = 4
TIMEOUT = 120.0


def generate(tasks: int, roles: int, seed: int = 0) -> Workflow:
    """A valid workflow with ``tasks`` tasks owned by ``roles`` roles."""
    rng = random.Random(seed)
    role_ids = [f"role-{i}" for i in range(roles)]
    data: dict[str, object] = {
        "id": "bench",
        "title": f"Generated workflow: {tasks} tasks, {roles} roles",
        "organizations": {oid: {"name": f"Organization {oid}", "kind": kind} for oid, kind in ORGS},
        "roles": {
            rid: {"org": ORGS[i * len(ORGS) // roles][0], "title": f"Role number {i} with a longer title"}
            for i, rid in enumerate(role_ids)
        },
    }
    phases: dict[str, dict[str, object]] = {}
    ids = [f"task-{i}" for i in range(tasks)]
    per_phase = tasks // PHASES
    for p in range(PHASES):
        chunk = ids[p * per_phase : tasks if p == PHASES - 1 else (p + 1) * per_phase]
        body = {}
        for n, tid in enumerate(chunk):
            earlier = chunk[max(0, n - 8) : n]
            after = rng.sample(earlier, k=min(len(earlier), rng.choice((0, 1, 1, 2))))
            body[tid] = {
                "title": f"Do the work of step {tid} and hand it on to the next team",
                "owner": rng.choice(role_ids),
                "after": after,
            }
        phases[f"phase-{p}"] = {
            "title": f"Phase {p}",
            "tasks": body,
            "exit_gate": {
                "title": f"Gate {p}",
                "criteria": {"done": {"title": "All done", "tasks": chunk[-1:]}},
            },
        }
    data["phases"] = phases
    handoffs = {}
    for h in range(tasks // 10):
        a = rng.randrange(tasks - 1)
        b = rng.randrange(a + 1, min(tasks, a + 10))
        handoffs[f"h-{h}"] = {
            "from": role_ids[0],
            "to": role_ids[1],
            "channel": "portal",
            "from_task": ids[a],
            "to_task": ids[b],
        }
    data["handoffs"] = handoffs
    return Workflow.model_validate(data)


def unpinned_dot(source: str) -> str:
    """The same graph without our positions: dot lays it out itself, lanes as clusters."""
    return re.sub(r' (pos|bb|lp)="[^"]*"', "", source).replace('layout="nop2"', "").replace("layout=nop2", "")


def flat_dot(source: str) -> str:
    """The same nodes and edges with no positions and no lane clusters: flat ``dot``."""
    return re.sub(r'^\s*subgraph "?cluster_lane_\d+"? \{\n|^\t\}\n', "", unpinned_dot(source), flags=re.M)


def _best(run, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        if run() is False:
            return float("inf")
        best = min(best, time.perf_counter() - start)
    return best


def _dot(text: str) -> bool:
    try:
        # dot may complain about the graph ("lost edge") yet still draw it; only time it.
        subprocess.run(
            ["dot", "-Tsvg"], input=text.encode(), capture_output=True, check=False, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired:
        return False
    return True


def bench(tasks: int, roles: int) -> None:
    """Print one line of timings for a generated workflow of this size."""
    workflow = generate(tasks, roles)

    def ours() -> None:
        draw_lane_map(swimlane_map(workflow)).pipe(format="svg", quiet=True)

    source = draw_lane_map(swimlane_map(workflow)).source
    same = unpinned_dot(source)
    flat = flat_dot(source)
    t_ours = _best(ours)
    t_same = _best(lambda: _dot(same), repeat=1 if tasks > 400 else 3)
    t_flat = _best(lambda: _dot(flat))

    def show(t: float) -> str:
        return f">{TIMEOUT:.0f} s" if t == float("inf") else f"{t:6.3f} s"

    for name, text in (("same text", same), ("flat", flat)):
        done = subprocess.run(["dot", "-Tsvg"], input=text.encode(), capture_output=True, check=False)
        if done.returncode:
            first = done.stderr.decode(errors="replace").splitlines()[:1]
            print(f"  note: dot ({name}) exited {done.returncode}: {first[0] if first else ''}")
    print(
        f"{tasks:5d} tasks / {roles:3d} roles: lifecycle {show(t_ours)}; dot (same text) {show(t_same)}"
        f" -> ratio {t_ours / t_same:.2f}; dot (flat, no lanes) {show(t_flat)} -> ratio {t_ours / t_flat:.2f}"
    )


def main(argv: list[str]) -> None:
    sizes = argv or ["200x30"]
    for size in sizes:
        tasks, roles = (int(v) for v in size.split("x"))
        bench(tasks, roles)


if __name__ == "__main__":
    main(sys.argv[1:])
