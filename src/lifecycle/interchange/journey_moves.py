"""A journey as tables a replay can index: its activities as integer codes,
every move between two of them classified once, and who may perform each step.

Classifying every (from, to) pair up front is what lets
:mod:`lifecycle.interchange.conformance` judge millions of events with array
operations instead of walking the journey event by event.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import networkx as nx
import numpy as np
import numpy.typing as npt

from lifecycle.diagnostics import LifecycleError
from lifecycle.model import Journey, Stage, Workflow
from lifecycle.roles import backup_chain, carriers
from lifecycle.words import did_you_mean

__all__ = ["BACK", "FIT", "SKIP", "STAGES", "JourneyMoves"]

FIT = 0
"""The journey allows this move directly (``next``)."""
SKIP = 1
"""The journey reaches this activity only through steps the case did not record."""
BACK = 2
"""The journey cannot reach this activity from where the case is."""

STAGES: tuple[Stage, ...] = tuple(Stage)
"""The five stages of member interaction, in order."""


@dataclass(frozen=True)
class JourneyMoves:
    """The move tables of one journey of a workflow.

    Activities are the journey's steps, then its exits, coded ``0..n-1``; code
    ``n`` (:attr:`start`) is a case before its first event.

    Examples
    --------
    >>> from lifecycle import load
    >>> workflow = load("workflows/payer-cbo-partnership.yaml").workflow
    >>> moves = JourneyMoves.of(workflow, "member")
    >>> moves.names[:2]
    ('plan-identifies', 'cbo-receives')
    """

    workflow: Workflow
    journey_id: str

    @classmethod
    def of(cls, workflow: Workflow, journey_id: str) -> JourneyMoves:
        """The move tables of ``workflow``'s journey ``journey_id``.

        Raises
        ------
        LifecycleError
            When the workflow has no such journey.
        """
        if journey_id not in workflow.journeys:
            known = ", ".join(workflow.journeys) or "none"
            hint = did_you_mean(journey_id, workflow.journeys)
            raise LifecycleError(
                f"no journey {journey_id!r} in workflow {workflow.id!r} (journeys: {known})"
                + (f"; {hint}" if hint else "")
            )
        return cls(workflow, journey_id)

    @property
    def journey(self) -> Journey:
        return self.workflow.journeys[self.journey_id]

    @cached_property
    def names(self) -> tuple[str, ...]:
        """Activity names by code: the steps, then the exits."""
        return (*self.journey.steps, *self.journey.exits)

    @cached_property
    def codes(self) -> dict[str, int]:
        """Activity codes by name."""
        return {name: code for code, name in enumerate(self.names)}

    @property
    def start(self) -> int:
        """The code of a case before its first event."""
        return len(self.names)

    def name(self, code: int) -> str:
        """An activity's name, ``(start)`` for :attr:`start`."""
        return self.names[code] if code < len(self.names) else "(start)"

    @cached_property
    def graph(self) -> nx.DiGraph[int]:
        """Activities linked by ``next``; the start linked to the first step."""
        graph: nx.DiGraph[int] = nx.DiGraph()
        graph.add_nodes_from(range(self.start + 1))
        graph.add_edge(self.start, self.codes[self.journey.start])
        for sid, step in self.journey.steps.items():
            graph.add_edges_from((self.codes[sid], self.codes[target]) for target in step.next)
        return graph

    @cached_property
    def moves(self) -> npt.NDArray[np.int8]:
        """``moves[from, to]``: :data:`FIT`, :data:`SKIP` or :data:`BACK`."""
        table = np.full((self.start + 1, len(self.names)), BACK, dtype=np.int8)
        for origin in range(self.start + 1):
            reachable = nx.descendants(self.graph, origin)
            table[origin, [code for code in reachable if code < self.start]] = SKIP
            table[origin, list(self.graph.successors(origin))] = FIT
        return table

    @cached_property
    def stage_of(self) -> npt.NDArray[np.int8]:
        """Each activity's stage index in :data:`STAGES`; -1 for exits."""
        index = {stage: i for i, stage in enumerate(STAGES)}
        stages = [index[step.stage] for step in self.journey.steps.values()]
        return np.array(stages + [-1] * len(self.journey.exits), dtype=np.int8)

    @cached_property
    def ends(self) -> npt.NDArray[np.bool_]:
        """Which codes (the start included) are exits, where a case is closed."""
        return np.array([name in self.journey.exits for name in self.names] + [False], dtype=bool)

    def skipped(self, origin: int, target: int) -> list[str]:
        """The steps on the shortest path between two activities, both excluded."""
        path = nx.shortest_path(self.graph, origin, target)
        return [self.names[code] for code in path[1:-1]]

    def owner(self, code: int) -> str | None:
        """The role (or person) that owns a step; None for an exit."""
        name = self.names[code]
        step = self.journey.steps.get(name)
        return step.owner if step is not None else None

    @cached_property
    def _actors(self) -> list[frozenset[str]]:
        return [self._may_act(self.owner(code)) for code in range(len(self.names))]

    def _may_act(self, owner: str | None) -> frozenset[str]:
        """Who may record a step owned by ``owner``, by the tracker's own rule
        (:mod:`lifecycle.roles`): the people who can act for it, and the roles of
        its backup chain, since a log's resource may name a role."""
        if owner is None:
            return frozenset()
        return carriers(self.workflow, owner) | {owner, *backup_chain(self.workflow, owner)}

    def allowed(self, resources: list[str | None]) -> npt.NDArray[np.bool_]:
        """``allowed[r, a]``: may resource ``resources[r]`` record activity ``a``?

        Exits have no owner and accept anyone; a missing resource (None) is
        never a deviation.
        """
        table = np.ones((len(resources), len(self.names)), dtype=bool)
        for row, resource in enumerate(resources):
            if resource is None:
                continue
            for code, actors in enumerate(self._actors):
                if actors and resource not in actors:
                    table[row, code] = False
        return table
