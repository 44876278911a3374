"""Run every benchmark and write the figures to ``docs/performance.md``.

    .venv/bin/python bench/run_all.py             # the full run (a few minutes), updates docs/performance.md
    .venv/bin/python bench/run_all.py --quick -o /tmp/perf.md   # tiny sizes, to see that it all works

Sections this script writes are replaced; sections written by hand (a ``## ``
heading this script does not produce, such as figures measured with one benchmark
alone) are kept, after the generated ones, in their order.

Every figure is min / median / max over ``--runs`` runs, each in a fresh process
(:mod:`bench.measure`). The workloads come from the other benchmarks: the hub
network generator (:mod:`bench.generate`), the tracking benchmark
(:mod:`bench.bench_tracking`) and the renderer's own ``dot``.

The functions below named as ``bench.run_all:NAME`` run in the child processes;
each returns its figures as a dict of numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import itertools

from bench.measure import ROOT, Runs, run_command, run_function

SHIPPED = ROOT / "workflows" / "payer-cbo-partnership.yaml"
CLI = str(Path(sys.executable).with_name("lifecycle"))
NO_LIMIT = 1 << 31
"""The 100x network is over the loader's 16 MB default; the benchmarks lift it."""


# --- Workloads, run in child processes -------------------------------------------


def imports() -> dict[str, float]:
    """Only the imports of :func:`load_and_check`: the memory floor of a child."""
    began = time.perf_counter()
    import lifecycle.checks
    import lifecycle.loader  # noqa: F401

    return {"seconds": time.perf_counter() - began}


def swimlane_at_scale(tasks: str, roles: str) -> dict[str, float]:
    """A generated swimlane map (:mod:`bench.bench_render`): our layout and
    drawing against ``dot -Tsvg`` laying out the same nodes and edges flat."""
    from bench.bench_render import flat_dot, generate

    from lifecycle.drawing.draw import draw_lane_map
    from lifecycle.drawing.swimlane import swimlane_map

    workflow = generate(int(tasks), int(roles))
    began = time.perf_counter()
    graph = draw_lane_map(swimlane_map(workflow))
    graph.pipe(format="svg", quiet=True)
    ours = time.perf_counter() - began
    flat = flat_dot(graph.source)
    began = time.perf_counter()
    subprocess.run(["dot", "-Tsvg"], input=flat.encode(), capture_output=True, check=False)
    return {"ours": ours, "dot": time.perf_counter() - began}


def load_and_check(path: str) -> dict[str, float]:
    """Load and validate ``path``, then run every check rule on it."""
    from lifecycle.checks import run_checks
    from lifecycle.loader import load

    began = time.perf_counter()
    document = load(path, max_bytes=NO_LIMIT)
    loaded = time.perf_counter()
    report = run_checks(document)
    checked = time.perf_counter()
    return {
        "load": loaded - began,
        "check": checked - loaded,
        "tasks": len(document.workflow.tasks()),
        "findings": len(report.findings),
    }


def load_stages(path: str) -> dict[str, float]:
    """Where loading time goes: read and decode, YAML events alone, building
    values from them (with every safety check), schema validation, references."""
    import yaml

    from lifecycle import safe_yaml
    from lifecycle.collector import collector_paused
    from lifecycle.model import Workflow
    from lifecycle.references import check_references

    # As in ``load``: the garbage collector paused throughout.
    paused = collector_paused()
    paused.__enter__()
    began = time.perf_counter()
    text = safe_yaml.decode(Path(path).read_bytes())
    decoded = time.perf_counter()
    loader = safe_yaml._Loader(text)
    while not isinstance(loader.get_event(), yaml.StreamEndEvent):
        pass
    loader.dispose()
    events = time.perf_counter()
    data = safe_yaml.parse(text)
    parsed = time.perf_counter()
    workflow = Workflow.model_validate(data)
    validated = time.perf_counter()
    check_references(workflow)
    done = time.perf_counter()
    paused.__exit__(None, None, None)
    return {
        "read": decoded - began,
        "events": events - decoded,
        "parse": parsed - events,
        "validate": validated - parsed,
        "references": done - validated,
    }


def tracking(tasks: str, partnerships: str, single: str) -> dict[str, float]:
    """Transitions per second: bare ``transitions`` against the audited tracker on SQLite."""
    from bench.bench_tracking import audited_batches, audited_single, bare, synthetic_workflow

    from lifecycle.store import open_store
    from lifecycle.tracking import Tracker

    count, groups = int(tasks), int(partnerships)
    with tempfile.TemporaryDirectory() as folder:
        workflow = Path(folder) / "bench.yaml"
        workflow.write_text(synthetic_workflow(count), encoding="utf-8")
        tracker = Tracker(open_store(f"sqlite:///{Path(folder) / 'bench.db'}", create=True))
        try:
            figures = {
                "bare": bare(count * groups),
                "batched": audited_batches(tracker, workflow, count, groups),
                "single": audited_single(tracker, workflow, min(int(single), count)),
            }
        finally:
            tracker.close()
    return figures


def tracked_instances(count: str) -> dict[str, float]:
    """Memory (tracemalloc) and time to attach ``count`` instances to one shared machine."""
    from bench.bench_tracking import memory

    megabytes, seconds = memory(int(count))
    return {"traced_mb": megabytes, "seconds": seconds}


# --- The report --------------------------------------------------------------------


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> list[str]:
    """A description of this machine and of the software measured."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    total = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.M)
    dot = subprocess.run(["dot", "-V"], capture_output=True, text=True, check=False).stderr.strip()
    import yaml

    libyaml = yaml._yaml.get_version_string() if yaml.__with_libyaml__ else "not used"  # type: ignore[attr-defined]
    libraries = ", ".join(
        f"{name} {_version(name)}"
        for name in ("lifecycle", "pydantic", "PyYAML", "transitions", "SQLAlchemy", "graphviz", "click")
    )
    return [
        f"- CPU: {model.group(1).strip() if model else platform.processor() or 'unknown'}, "
        f"{os.cpu_count()} cores",
        f"- Memory: {int(total.group(1)) / 1024 / 1024:.1f} GB" if total else "- Memory: unknown",
        f"- System: {platform.platform()}",
        f"- Python: {platform.python_version()} ({platform.python_implementation()})",
        f"- Libraries: {libraries}; libyaml {libyaml}",
        f"- Graphviz: {dot}",
    ]


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}x" if b else "n/a"


def cold_start(runs: int) -> list[str]:
    python = run_command([sys.executable, "-c", "pass"], runs=runs)
    helps = run_command([CLI, "--help"], runs=runs)
    validate = run_command([CLI, "validate", str(SHIPPED)], runs=runs)
    return [
        "## CLI cold start",
        "",
        f"Each command in a fresh process, {runs} runs. Target: `lifecycle --help` under 0.3 s.",
        "",
        "| command | time (min / median / max) | peak memory (min / median / max) |",
        "| --- | --- | --- |",
        f"| `python -c pass` (the interpreter alone) | {python.spread('seconds')} "
        f"| {python.spread('peak_mb', 'MB', 1)} |",
        f"| `lifecycle --help` | {helps.spread('seconds')} | {helps.spread('peak_mb', 'MB', 1)} |",
        f"| `lifecycle validate workflows/{SHIPPED.name}` | {validate.spread('seconds')} "
        f"| {validate.spread('peak_mb', 'MB', 1)} |",
        "",
        f"`lifecycle --help` median: {helps.median('seconds'):.3f} s "
        f"({'within' if helps.median('seconds') < 0.3 else 'over'} the 0.3 s target); "
        f"{helps.median('seconds') - python.median('seconds'):.3f} s more than the bare interpreter.",
        "",
    ]


def scaling(folder: Path, sizes: list[int], runs: int) -> list[str]:
    from bench.generate import TASKS_PER_CBO, generate_text

    floor = run_function("bench.run_all:imports", runs=runs)
    lines = [
        "## Load + validate and check at growing sizes",
        "",
        "Hub networks from `bench/generate.py` (a plan, a hub and N CBOs, each with 10 roles,",
        f"20 people, {TASKS_PER_CBO} tasks, handoffs, an escalation path, a data exchange and a meeting).",
        "`load` is `lifecycle.loader.load` (YAML, schema, references); `check` is every check rule",
        f"(`lifecycle.checks.run_checks`). Each run is a fresh process; {runs} runs per size.",
        "Peak memory is the whole process's; the interpreter with these imports alone peaks at",
        f"{floor.median('peak_mb'):.0f} MB (median).",
        "",
        "| CBOs | tasks | file | load s (min / median / max) | check s (min / median / max) "
        "| peak memory MB (min / median / max) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    results: list[tuple[int, Runs]] = []
    for cbos in sizes:
        path = folder / f"hub-{cbos}.yaml"
        path.write_text(generate_text(cbos), encoding="utf-8")
        found = run_function("bench.run_all:load_and_check", str(path), runs=runs)
        results.append((cbos, found))
        lines.append(
            f"| {cbos:,} | {int(found.min('tasks')):,} | {path.stat().st_size / 1e6:.1f} MB "
            f"| {found.spread('load', '')} | {found.spread('check', '')} | {found.spread('peak_mb', '', 0)} |"
        )
    lines.append("")
    for (small, a), (big, b) in itertools.pairwise(results):
        grown = b.median("tasks") / a.median("tasks")
        net_a = a.median("peak_mb") - floor.median("peak_mb")
        net_b = b.median("peak_mb") - floor.median("peak_mb")
        lines.append(
            f"- {small:,} to {big:,} CBOs ({grown:.1f}x the tasks): load took "
            f"{_ratio(b.median('load'), a.median('load'))}, "
            f"check {_ratio(b.median('check'), a.median('check'))}, "
            f"memory above the floor {_ratio(net_b, net_a)} (medians)."
        )
    limit = 16 * 1024 * 1024
    too_big = [cbos for cbos in sizes if (folder / f"hub-{cbos}.yaml").stat().st_size > limit]
    if too_big:
        lines.append(
            f"- The {', '.join(f'{c:,}' for c in too_big)}-CBO file is over the loader's 16 MB default "
            "limit (`DEFAULT_MAX_BYTES`); these figures pass `max_bytes` to `load`; the CLI reads it "
            "with `LIFECYCLE_MAX_MB=64` set, and refuses it (E106) without."
        )
    lines.append("")
    middle = folder / f"hub-{sizes[min(1, len(sizes) - 1)]}.yaml"
    stages = run_function("bench.run_all:load_stages", str(middle), runs=runs)
    names = ("read", "events", "parse", "validate", "references")
    total = sum(stages.median(name) for name in names)
    what = {
        "read": "read the file and decode UTF-8",
        "events": "libyaml's parser alone: the event stream, nothing built",
        "parse": "`safe_yaml.parse`: events again, plus building values with every safety check",
        "validate": "pydantic schema validation (`Workflow.model_validate`)",
        "references": "cross-references (`check_references`)",
    }
    lines += [
        f"### Where load time goes ({middle.stem.split('-')[1]} CBOs)",
        "",
        "| stage | what | s (min / median / max) | share of load |",
        "| --- | --- | --- | --- |",
    ]
    for name in names:
        share = "" if name == "events" else f"{stages.median(name) / (total - stages.median('events')):.0%}"
        lines.append(f"| {name} | {what[name]} | {stages.spread(name, '')} | {share} |")
    lines += [
        "",
        "`parse` includes the event stream; the difference between the two rows is the cost of",
        "building values and of the safety checks (duplicate keys, tags, aliases, depth).",
        "",
    ]
    return lines


def state_machines(tasks: int, partnerships: int, instances: int, runs: int) -> list[str]:
    rates = run_function(
        "bench.run_all:tracking", str(tasks), str(partnerships), str(min(200, tasks)), runs=runs
    )
    memory = run_function("bench.run_all:tracked_instances", str(instances), runs=runs)
    total = 2 * tasks * partnerships
    return [
        "## State machines",
        "",
        f"From `bench/bench_tracking.py`, {runs} fresh processes. Bare: `start` and `done` fired on",
        f"{tasks * partnerships:,} models of one shared `transitions` machine, nothing stored. Audited:",
        f"the same {total:,} moves through the tracker on a new SQLite file, each a task row update",
        f"plus an audit entry, {partnerships} partnerships of {tasks} tasks, one transaction per",
        "partnership and move; one by one: one transaction per transition.",
        "",
        "| what | transitions/s (min / median / max) | ratio to bare (medians) |",
        "| --- | --- | --- |",
        f"| bare `transitions` machine | {rates.spread('bare', '', 0)} | 1.0x |",
        f"| audited on SQLite, batched | {rates.spread('batched', '', 0)} "
        f"| {_ratio(rates.median('bare'), rates.median('batched'))} slower |",
        f"| audited on SQLite, one per transaction | {rates.spread('single', '', 0)} "
        f"| {_ratio(rates.median('bare'), rates.median('single'))} slower |",
        "",
        f"{instances:,} tracked instances on one shared machine definition: "
        f"{memory.spread('traced_mb', 'MB', 1)} allocated (tracemalloc), attached in "
        f"{memory.spread('seconds')}; the whole process peaked at {memory.spread('peak_mb', 'MB', 0)}.",
        "",
    ]


def rendering(folder: Path, runs: int, sizes: list[tuple[int, int]]) -> list[str]:
    lines = [
        "## Rendering against bare `dot`",
        "",
        "`lifecycle render FILE -o map.svg` (a fresh process: load, lay out the swimlane map, run",
        "Graphviz) against `dot -Tsvg` on the DOT text that `lifecycle render --format dot` writes for",
        "the same map. That text pins every node and arrow (`layout=nop2`: Graphviz only draws);",
        "the last column lets `dot` lay out the same nodes and edges itself, flat (no positions, no lane",
        "clusters: lanes as `dot` clusters stop finishing near 500 tasks).",
        f"{runs} runs each.",
        "",
        "| workflow | `lifecycle render` s | `dot -Tsvg` same text s | ratio | `dot` flat layout s |",
        "| --- | --- | --- | --- | --- |",
    ]
    from lifecycle.drawing.maps import build_map
    from lifecycle.loader import load

    for workflow in sorted((ROOT / "workflows").glob("*.yaml")):
        # The text `lifecycle render --format dot` writes; made here, it is input, not a measurement.
        text = build_map(load(workflow)).graph.source.encode("utf-8")
        ours = run_command(
            [CLI, "render", str(workflow), "-o", str(folder / f"{workflow.stem}.svg")], runs=runs
        )
        same = run_command(["dot", "-Tsvg"], stdin=text, runs=runs)
        from bench.bench_render import flat_dot

        free = run_command(["dot", "-Tsvg"], stdin=flat_dot(text.decode()).encode(), runs=runs)
        lines.append(
            f"| `{workflow.name}` | {ours.spread('seconds', '')} | {same.spread('seconds', '')} "
            f"| {_ratio(ours.median('seconds'), same.median('seconds'))} | {free.spread('seconds', '')} |"
        )
    lines += [
        "",
        "Generated swimlane maps (`bench/bench_render.py`'s generator), in one process: building the",
        "map and drawing its SVG with our lane bands, against `dot -Tsvg` laying out the same nodes",
        "and edges with no lanes at all (the cheapest layout Graphviz offers; lanes as `dot` clusters",
        "did not finish at 500 tasks in 50 lanes within 13 minutes, Graphviz 2.43).",
        "",
        "| tasks / roles | lifecycle s | `dot` flat s | ratio |",
        "| --- | --- | --- | --- |",
    ]
    for tasks, roles in sizes:
        scale = run_function("bench.run_all:swimlane_at_scale", str(tasks), str(roles), runs=runs)
        lines.append(
            f"| {tasks} / {roles} | {scale.spread('ours', '')} | {scale.spread('dot', '')} "
            f"| {_ratio(scale.median('ours'), scale.median('dot'))} |"
        )
    lines.append("")
    return lines


def conformance(folder: Path, events: int, runs: int) -> list[str]:
    from bench.bench_conformance import measure

    result, injected, count, size = measure(events, runs, folder)
    return [
        "## Conformance replay",
        "",
        f"`bench/bench_conformance.py`: a generated log of {count:,} events ({size:.1f} MB CSV,",
        f"{int(result.median('cases')):,} cases of the shipped member journey, one deviation injected in a",
        "tenth of them) replayed by `lifecycle.interchange.conformance.replay`, streaming, in a fresh",
        f"process, {runs} runs. Every run found exactly the injected deviations: "
        + ", ".join(f"{n:,} {kind}" for kind, n in injected.items())
        + ".",
        "CPU seconds are the process's own (all threads); wall-clock seconds include waiting for a",
        "core on a shared machine. Target: 1,000,000 events/s and at most 200 MB.",
        "",
        "| events | wall s | CPU s | events/s (wall) | events per CPU-second | peak memory |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| {count:,} | {result.spread('seconds', '')} | {result.spread('cpu_seconds', '')} "
        f"| {result.spread('events_per_s', '', 0)} | {count / result.median('cpu_seconds'):,.0f} (median) "
        f"| {result.spread('peak_mb', 'MB', 0)} |",
        "",
    ]


def hand_written(previous: str, generated: list[str]) -> list[str]:
    r"""The ``## `` sections of ``previous`` whose headings ``generated`` does not have.

    >>> old = "# P\n\n## Machine\n\nold\n\n## Rendering\n\nold\n\n## By hand\n\nkept\n"
    >>> hand_written(old, ["## Rendering", "", "new"])
    ['## By hand', '', 'kept']
    """
    ours = {line for line in generated if line.startswith("## ")} | {"## Machine"}
    kept: list[str] = []
    keeping = False
    for line in previous.splitlines():
        if line.startswith("## "):
            keeping = line not in ours
        if keeping:
            kept.append(line)
    return kept


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes and 1 run, to check it all works")
    parser.add_argument("--runs", type=int, help="runs per measurement [default: 5, 1 with --quick]")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args(argv)
    runs = args.runs or (1 if args.quick else 5)
    sizes = [1, 2] if args.quick else [10, 100, 1000]
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        sections = [
            cold_start(runs if args.quick else 10),
            scaling(folder, sizes, runs if args.quick else min(runs, 3)),
            state_machines(
                20 if args.quick else 500, 2 if args.quick else 10, 100 if args.quick else 10_000, runs
            ),
            rendering(folder, runs, [(20, 5)] if args.quick else [(200, 30), (400, 40)]),
            conformance(folder, 2_000 if args.quick else 1_000_000, runs if args.quick else 3),
        ]
    took = time.perf_counter() - began
    command = "bench/run_all.py" + (" --quick" if args.quick else "")
    generated = [line for section in sections for line in section]
    previous = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
    text = "\n".join(
        [
            "# Performance",
            "",
            f"Generated by `.venv/bin/python {command}` on {dt.date.today().isoformat()} in {took:.0f} s;",
            "run it again to regenerate its sections (sections written by hand are kept, after them).",
            "Times are wall-clock seconds, each figure min / median / max over several runs in fresh",
            "processes; memory is peak resident memory (RSS) of the measured process.",
            "",
            "## Machine",
            "",
            *machine(),
            "",
            *generated,
            *hand_written(previous, generated),
        ]
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} in {took:.0f} s")


if __name__ == "__main__":
    main()
