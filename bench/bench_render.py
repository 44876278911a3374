"""Benchmark the swimlane renderer against bare ``dot`` on the same graph.

For generated workflows (default: 200 tasks in 30 roles of 5 organizations over
4 phases, with dependencies and cross-lane handoffs) it times:

- ``lifecycle``: the whole map from a loaded workflow to SVG bytes: building
  the lanes and cards, placing them and routing the arrows (Python), writing
  the DOT text, and Graphviz drawing the SVG with every position fixed
  (``layout=nop2``: Graphviz neither places nodes nor routes arrows);
- ``dot (same text)``: ``dot -Tsvg`` laying out that same DOT text itself
  (positions and ``layout`` removed), lanes as clusters;
- ``dot (flat)``: "flat dot", ``dot -Tsvg`` on exactly the nodes, edges, labels
  and styles of our DOT text, with our positions and our lane clusters removed,
  so Graphviz's own layered layout places them with no lanes at all. It is the
  cheapest layout Graphviz offers for the same graph and draws the same SVG
  elements; it does less than we do (no lanes), never more.

Both sides end in the same output: SVG from the same Graphviz ``dot`` binary.
Each figure is the best of 3 runs, in wall-clock seconds and in CPU seconds
(this process's, and ``dot``'s as a child process), with the load average
printed beside it: on a shared machine wall-clock time mostly measures the
queue for a core. A run of bare ``dot`` is stopped after 120 s.

Run ``python bench/bench_render.py`` (or ``... 50x10 200x30 10000x1000``);
``--ours`` skips bare ``dot`` (flat ``dot`` took 66 s at 5,000 tasks).
"""

from __future__ import annotations

import os
import random
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Timing:
    """The best of several runs: wall-clock seconds, and CPU seconds spent in this
    process (Python) and in its child processes (Graphviz's ``dot``)."""

    wall: float
    python_cpu: float
    dot_cpu: float

    @property
    def cpu(self) -> float:
        return self.python_cpu + self.dot_cpu


def _cpu() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, children.ru_utime + children.ru_stime


def _best(run: Callable[[], bool | None], repeat: int = 3) -> Timing | None:
    """Best wall time and best CPU times of ``repeat`` runs (None when a run timed out)."""
    walls, mine, theirs = [], [], []
    for _ in range(repeat):
        cpu0, child0 = _cpu()
        start = time.perf_counter()
        if run() is False:
            return None
        walls.append(time.perf_counter() - start)
        cpu1, child1 = _cpu()
        mine.append(cpu1 - cpu0)
        theirs.append(child1 - child0)
    return Timing(min(walls), min(mine), min(theirs))


def _dot(text: str) -> bool:
    try:
        # dot may complain about the graph ("lost edge") yet still draw it; only time it.
        subprocess.run(
            ["dot", "-Tsvg"], input=text.encode(), capture_output=True, check=False, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired:
        return False
    return True


def _load() -> str:
    return "load average " + " ".join(f"{v:.1f}" for v in os.getloadavg())


def _show(t: Timing | None) -> str:
    if t is None:
        return f">{TIMEOUT:.0f} s"
    return f"{t.wall:.3f} s wall, {t.cpu:.3f} s CPU"


def bench(tasks: int, roles: int, *, bare: bool = True) -> None:
    """Print the timings for a generated workflow of this size."""
    workflow = generate(tasks, roles)

    def ours() -> None:
        draw_lane_map(swimlane_map(workflow)).pipe(format="svg", quiet=True)

    source = draw_lane_map(swimlane_map(workflow)).source
    print(f"{tasks} tasks / {roles} roles ({_load()} before)")
    t_ours = _best(ours)
    assert t_ours is not None
    print(
        f"  lifecycle:        {_show(t_ours)} (Python {t_ours.python_cpu:.3f} s + dot {t_ours.dot_cpu:.3f} s)"
    )
    if bare:
        same = unpinned_dot(source)
        flat = flat_dot(source)
        for name, text in (("same text", same), ("flat", flat)):
            done = subprocess.run(["dot", "-Tsvg"], input=text.encode(), capture_output=True, check=False)
            if done.returncode:
                first = done.stderr.decode(errors="replace").splitlines()[:1]
                print(f"  note: dot ({name}) exited {done.returncode}: {first[0] if first else ''}")
        t_same = _best(lambda: _dot(same), repeat=1 if tasks > 400 else 3)
        t_flat = _best(lambda: _dot(flat))
        for name, t in (("dot (same text)", t_same), ("dot (flat)", t_flat)):
            ratio = (
                f" -> lifecycle/dot: wall {t_ours.wall / t.wall:.2f}x, CPU {t_ours.cpu / t.cpu:.2f}x"
                if t is not None
                else ""
            )
            print(f"  {name + ':':17s} {_show(t)}{ratio}")
    print(f"  ({_load()} after)")


def main(argv: list[str]) -> None:
    bare = "--ours" not in argv
    sizes = [a for a in argv if a != "--ours"] or ["200x30"]
    for size in sizes:
        tasks, roles = (int(v) for v in size.split("x"))
        bench(tasks, roles, bare=bare)


if __name__ == "__main__":
    main(sys.argv[1:])
