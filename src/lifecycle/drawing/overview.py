"""The lifecycle overview: phases and their exit gates as a state diagram.

It is drawn from the lifecycle state machine (:func:`lifecycle.machine.lifecycle_machine`),
so the picture shows exactly the states and transitions tracking enforces: each
phase advances to the next through its exit gate, and the last to completion.
"""

from __future__ import annotations

import itertools

import graphviz

from lifecycle.drawing import style
from lifecycle.drawing.labels import dot_label, mermaid_text, wrap
from lifecycle.machine import COMPLETED, lifecycle_machine
from lifecycle.model import Workflow
from lifecycle.words import count

__all__ = ["PER_ROW", "overview_graph", "overview_mermaid"]

PER_ROW = 3
"""Phases per row of the overview (each with its exit gate)."""


def _transitions(workflow: Workflow) -> list[tuple[str, str, str]]:
    """(source, trigger, destination) of every transition of the lifecycle machine."""
    machine = lifecycle_machine(workflow).machine
    found = [
        (source, name, t.dest)
        for name, event in machine.events.items()
        if not name.startswith("to_")
        for source, moves in event.transitions.items()
        for t in moves
        if t.dest is not None
    ]
    order = {state: i for i, state in enumerate(machine.states)}
    return sorted(found, key=lambda f: (order[f[0]], order[f[2]], f[1]))


def overview_graph(workflow: Workflow, per_row: int = PER_ROW) -> graphviz.Digraph:
    """The lifecycle overview of ``workflow`` as a Graphviz graph (laid out by ``dot``).

    Parameters
    ----------
    workflow
        The workflow whose phases and gates to draw.
    per_row
        Phases per row (each with its exit gate): fewer make a narrower, taller drawing.

    Returns
    -------
    graphviz.Digraph
        Phases as rounded boxes (with their task counts), gates as hexagons on the
        transitions between them, and the final "completed" state.
    """
    g = graphviz.Digraph("overview")
    g.attr(
        "graph",
        rankdir="TB",
        ranksep="0.6",
        fontname=style.FONT,
        labelloc="t",
        fontsize="14",
        nodesep="0.4",
        label=dot_label(wrap(workflow.title, 80)),
        pad="0.2",
    )
    g.attr("node", fontname=style.FONT, fontsize="11")
    g.attr("edge", fontname=style.FONT, fontsize="9", color="#505050")
    rows = _row_of(workflow, max(1, per_row))
    # A move from one row to the next must not pull the rows out of line.
    row_of = {name: n for n, names in enumerate(rows) for name in names}

    def across(a: str, b: str) -> dict[str, str]:
        return {"constraint": "false"} if row_of.get(a) != row_of.get(b) else {}

    g.node("start", "", shape="circle", style="filled", fillcolor="black", width="0.2", id="start")
    states = list(workflow.phases)
    if states:
        g.edge("start", f"phase.{states[0]}")
    for pid, phase in workflow.phases.items():
        n = len(phase.tasks)
        lines = [*wrap(phase.title, 22), count(n, "task")]
        g.node(
            f"phase.{pid}",
            dot_label(lines),
            shape="box",
            style="filled,rounded",
            fillcolor="#f0f0f0",
            id=f"phase-{pid}",
            **{"class": "phase"},
        )
    g.node(
        f"phase.{COMPLETED}",
        "Completed",
        shape="doublecircle",
        style="filled",
        fillcolor="#d9f0d3",
        id="phase-completed",
        fontsize="10",
    )
    for source, trigger, dest in _transitions(workflow):
        gate = workflow.phases[source].exit_gate if source in workflow.phases else None
        # Every lifecycle move is the machine's "advance"; only other triggers earn a label.
        label = {} if trigger == "advance" else {"label": dot_label(trigger)}
        if gate is None:
            ends = (f"phase.{source}", f"phase.{dest}")
            g.edge(*ends, id=f"move-{source}", **label, **across(*ends))
            continue
        n = len(gate.criteria)
        name = f"gate.{source}"
        lines = [*wrap(gate.title, 18), f"{n} criteri{'on' if n == 1 else 'a'}"]
        if gate.launch:
            lines.append("(launch gate)")
        g.node(
            name,
            dot_label(lines),
            id=f"gate-{source}",
            **style.GATE_NODE,
        )
        g.edge(f"phase.{source}", name, id=f"move-{source}", **label)
        g.edge(name, f"phase.{dest}", **across(name, f"phase.{dest}"))
    _rows(g, rows)
    return g


def _row_of(workflow: Workflow, per_row: int) -> list[list[str]]:
    """The node names of each row: ``per_row`` phases (each with its gate) a row,
    the start in the first row and completion in the last."""
    rows: list[list[str]] = [["start"]]
    for n, (pid, phase) in enumerate(workflow.phases.items()):
        if n and n % per_row == 0:
            rows.append([])
        rows[-1].append(f"phase.{pid}")
        if phase.exit_gate is not None:
            rows[-1].append(f"gate.{pid}")
    rows[-1].append(f"phase.{COMPLETED}")
    return rows


def _rows(g: graphviz.Digraph, rows: list[list[str]]) -> None:
    """Keep each row on one rank and stack the rows' first nodes, so the overview
    wraps to fit a slide or a page instead of running as one long strip."""
    for n, names in enumerate(rows):
        with g.subgraph(name=f"row{n}") as row:
            row.attr(rank="same")
            for name in names:
                row.node(name)
    for upper, lower in itertools.pairwise(rows):
        g.edge(upper[0], lower[0], style="invis", weight="10")


def overview_mermaid(workflow: Workflow) -> str:
    """The lifecycle overview as a Mermaid ``stateDiagram-v2``."""
    ids = {pid: f"p{i}" for i, pid in enumerate(workflow.phases)}
    ids[COMPLETED] = "completed"
    out = ["stateDiagram-v2", "  direction LR"]
    out += [f'  state "{mermaid_text(p.title)}" as {ids[pid]}' for pid, p in workflow.phases.items()]
    if workflow.phases:
        out.append(f"  [*] --> {ids[next(iter(workflow.phases))]}")
    for source, trigger, dest in _transitions(workflow):
        gate = workflow.phases[source].exit_gate if source in workflow.phases else None
        label = f"{trigger}: {gate.title}" if gate else trigger
        out.append(f"  {ids[source]} --> {ids[dest]}: {mermaid_text(label)}")
    out.append("  completed --> [*]")
    return "\n".join(out) + "\n"
