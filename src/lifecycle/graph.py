"""networkx views of a workflow: the step graphs, the role handoff graph and the
people graph.

The model keeps a workflow as mappings keyed by id; the checks, the what-if
analysis and the maps need it as graphs. Every function here builds a fresh
graph from a :class:`~lifecycle.model.Workflow` and never changes the workflow.

Node names are the workflow's own ids, except in :func:`people_graph`, where
people, roles and organizations share one graph and so are tagged
``("person", id)``, ``("role", id)`` and ``("org", id)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx

from lifecycle import roles
from lifecycle.model import Journey, Workflow

__all__ = [
    "actor_org",
    "cut_points",
    "journey_graph",
    "people_graph",
    "role_graph",
    "task_graph",
]

Node = tuple[str, str]


def task_graph(workflow: Workflow) -> nx.DiGraph[str]:
    """The order of the tasks of every phase: an edge runs from each predecessor
    (``after``) to the task that waits for it.

    Parameters
    ----------
    workflow : Workflow
        A loaded workflow.

    Returns
    -------
    networkx.DiGraph
        One node per task, with attributes ``phase`` (the phase id) and
        ``rank`` (the phase's position in the lifecycle, from 0).

    Examples
    --------
    >>> from lifecycle.loader import loads
    >>> doc = loads('''
    ... id: w
    ... title: W
    ... organizations: {plan: {name: Plan, kind: payer}}
    ... phases:
    ...   scoping:
    ...     title: Scoping
    ...     tasks:
    ...       a: {title: A}
    ...       b: {title: B, after: a}
    ... ''')
    >>> list(task_graph(doc.workflow).edges)
    [('a', 'b')]
    """
    graph: nx.DiGraph[str] = nx.DiGraph()
    for rank, (pid, phase) in enumerate(workflow.phases.items()):
        for tid in phase.tasks:
            graph.add_node(tid, phase=pid, rank=rank)
    graph.add_edges_from(
        (before, tid)
        for phase in workflow.phases.values()
        for tid, task in phase.tasks.items()
        for before in task.after
    )
    return graph


def journey_graph(journey: Journey) -> nx.DiGraph[str]:
    """The steps and exits of a journey, with an edge for each ``next`` (an exit's too).

    Parameters
    ----------
    journey : Journey
        One of a workflow's journeys.

    Returns
    -------
    networkx.DiGraph
        Nodes carry ``kind`` (``"step"`` or ``"exit"``); steps also carry
        ``stage`` (None for a status without one) and ``owner``.
    """
    graph: nx.DiGraph[str] = nx.DiGraph()
    for sid, step in journey.steps.items():
        stage = step.stage.value if step.stage is not None else None
        graph.add_node(sid, kind="step", stage=stage, owner=step.owner)
    for xid, exit_ in journey.exits.items():
        graph.add_node(xid, kind="exit", exit_kind=str(exit_.kind))
    graph.add_edges_from(journey.declared_moves())
    return graph


def actor_org(workflow: Workflow, actor: str) -> str | None:
    """The organization of a role or person id, or None when it names neither."""
    role = workflow.roles.get(actor)
    if role is not None:
        return role.org
    person = workflow.people.get(actor)
    return person.org if person is not None else None


def role_graph(workflow: Workflow) -> nx.MultiDiGraph[str]:
    """Who passes work to whom: roles as nodes, handoffs and escalation steps as edges.

    Parameters
    ----------
    workflow : Workflow
        A loaded workflow.

    Returns
    -------
    networkx.MultiDiGraph
        One node per role (``kind="role"``) and per person named directly in a
        handoff or an escalation path (``kind="person"``), each with its
        ``org``. Each handoff is an edge ``from -> to`` with ``kind="handoff"``
        and ``id``; each escalation path adds an edge from every level to the
        next with ``kind="escalation"``, ``id`` and ``level`` (from 1).

    Notes
    -----
    Grouping the nodes by their ``org`` attribute gives the organization lanes
    of a swimlane map.
    """
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for rid, role in workflow.roles.items():
        graph.add_node(rid, kind="role", org=role.org)

    def add_actor(actor: str) -> None:
        if actor not in graph:
            graph.add_node(actor, kind="person", org=actor_org(workflow, actor))

    for hid, handoff in workflow.handoffs.items():
        add_actor(handoff.from_)
        add_actor(handoff.to)
        graph.add_edge(handoff.from_, handoff.to, key=hid, kind="handoff", id=hid)
    for eid, path in workflow.escalations.items():
        for actor in path.levels:
            add_actor(actor)
        for level, (lower, upper) in enumerate(zip(path.levels, path.levels[1:], strict=False), start=1):
            graph.add_edge(lower, upper, key=f"{eid}#{level}", kind="escalation", id=eid, level=level)
    return graph


def _cover(workflow: Workflow, actor: str) -> list[Node]:
    """The role (and the chain of its backups) or the person that carries ``actor``'s part."""
    if actor in workflow.people:
        return [("person", actor)]
    return [("role", rid) for rid in roles.backup_chain(workflow, actor)]


def _interactions(workflow: Workflow) -> Iterator[tuple[str, str]]:
    """Pairs of actors who deal with each other: handoffs, escalation steps, meetings."""
    for handoff in workflow.handoffs.values():
        yield handoff.from_, handoff.to
    for path in workflow.escalations.values():
        yield from zip(path.levels, path.levels[1:], strict=False)


def people_graph(workflow: Workflow) -> nx.Graph[Node]:
    """The people, the roles they hold and the organizations they connect.

    Parameters
    ----------
    workflow : Workflow
        A loaded workflow.

    Returns
    -------
    networkx.Graph
        Nodes are ``("org", id)``, ``("person", id)``, ``("role", id)`` and
        ``("meeting", id)``. A person is linked to their organization and to
        each role they hold. Two roles (or directly named people) are linked
        when a handoff or an escalation step passes between them, and every
        attendee is linked to the meeting they attend. A role's links are also
        given to its backup roles, since a backup covers the seat.

    Notes
    -----
    A role is tied to its organization only through the people who hold it: a
    seat nobody fills connects no one. Two organizations are connected in this
    graph exactly when some chain of people, the seats they fill and the work
    passing between those seats links them, so a person or role whose removal
    disconnects two organizations (see :func:`cut_points`) is a single point of
    failure of the partnership.
    """
    graph: nx.Graph[Node] = nx.Graph()
    for oid in workflow.organizations:
        graph.add_node(("org", oid))
    for pid, person in workflow.people.items():
        graph.add_edge(("person", pid), ("org", person.org))
    for rid, role in workflow.roles.items():
        graph.add_node(("role", rid))
        graph.add_edges_from((("person", holder), ("role", rid)) for holder in role.held_by)
    covers: dict[str, list[Node]] = {}

    def cover(actor: str) -> list[Node]:
        if actor not in covers:
            covers[actor] = _cover(workflow, actor)
        return covers[actor]

    for one, other in _interactions(workflow):
        graph.add_edges_from((a, b) for a in cover(one) for b in cover(other) if a != b)
    for mid, meeting in workflow.meetings.items():
        graph.add_edges_from((("meeting", mid), node) for actor in meeting.attendees for node in cover(actor))
    return graph


def cut_points(graph: nx.Graph[Any], terminals: Iterable[object]) -> dict[object, tuple[object, object]]:
    """The nodes whose removal disconnects two terminal nodes that were connected.

    Parameters
    ----------
    graph : networkx.Graph
        An undirected graph.
    terminals : iterable
        The nodes that matter (for the people graph: the organizations). A
        terminal is never reported as a cut point itself.

    Returns
    -------
    dict
        Maps each such node to one pair of terminals it separates.

    Notes
    -----
    Builds the block-cut tree of the graph from its biconnected components and
    counts the terminals on each side of every articulation point, so the cost
    is linear in the size of the graph rather than one connectivity search per
    node. Every bridge of the graph has an articulation point at an end that
    also has other neighbours, so bridges between organizations are reported
    through their ends.

    Examples
    --------
    >>> import networkx as nx
    >>> cut_points(nx.path_graph(["a", "b", "c"]), ["a", "c"])
    {'b': ('a', 'c')}
    """
    wanted = set(terminals)
    cuts = set(nx.articulation_points(graph))
    if not cuts:
        return {}
    # The block-cut tree: one node per biconnected block, one per cut vertex;
    # each tree node keeps one terminal of its own, if it has one.
    tree: nx.Graph[Any] = nx.Graph()
    own: dict[object, object] = {}
    for index, block in enumerate(nx.biconnected_components(graph)):
        block_node = ("block", index)
        tree.add_node(block_node)
        # Sorted, so the terminals named do not depend on the hash seed.
        for node in sorted(block, key=str):
            if node in cuts:
                tree.add_edge(block_node, ("cut", node))
            elif node in wanted:
                own.setdefault(block_node, node)
    for node in cuts & wanted:
        own[("cut", node)] = node
    found: dict[object, tuple[object, object]] = {}
    for component in nx.connected_components(tree):
        root = min(component, key=str)
        parent = dict(nx.bfs_predecessors(tree, root))
        order = list(nx.dfs_preorder_nodes(tree, root))
        children: dict[object, list[object]] = {node: [] for node in order}
        for node in order[1:]:
            children[parent[node]].append(node)
        # below[n]: a terminal in n's subtree; above[n]: a terminal outside it.
        below: dict[object, object] = {}
        for node in reversed(order):
            sample = own.get(node)
            if sample is None:
                sample = next((below[c] for c in children[node] if c in below), None)
            if sample is not None:
                below[node] = sample
        above: dict[object, object] = {}
        for node in order:
            with_sample = [c for c in children[node] if c in below][:2]
            for child in children[node]:
                other = next((below[c] for c in with_sample if c != child), None)
                candidate = own.get(node, other if other is not None else above.get(node))
                if candidate is not None:
                    above[child] = candidate
        for node in order:
            kind, name = node
            if kind != "cut" or name in wanted:
                continue
            sides = [below[c] for c in children[node] if c in below]
            if node in above:
                sides.append(above[node])
            if len(sides) >= 2:
                first, second = sorted(sides[:2], key=str)
                found[name] = (first, second)
    return found
