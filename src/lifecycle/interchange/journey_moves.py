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

__all__ = ["BACK", "FIT", "NO_STAGES", "SKIP", "STAGES", "JourneyMoves"]

FIT = 0
"""The journey allows this move directly (``next``)."""
SKIP = 1
"""The journey reaches this activity only through steps the case did not record."""
BACK = 2
"""The journey cannot reach this activity from where the case is."""

STAGES: tuple[Stage, ...] = tuple(Stage)
"""The five stages of member interaction, in order."""

NO_STAGES = "the journey's steps are statuses without a stage"
"""Why a journey none of whose steps names a stage (a status journey) has no
stage-to-stage figures: every stage count would be zero, which is no finding."""


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
        """Activities linked by their moves (:meth:`~lifecycle.model.Journey.moves_from`:
        ``next``, an exit's too, and past optional steps); the start linked to
        the first steps."""
        graph: nx.DiGraph[int] = nx.DiGraph()
        graph.add_nodes_from(range(self.start + 1))
        graph.add_edges_from((self.start, self.codes[first]) for first in self.journey.first_steps())
        for name in self.names:
            graph.add_edges_from((self.codes[name], self.codes[t]) for t in self.journey.moves_from(name))
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
        """Each activity's stage index in :data:`STAGES`; -1 for exits and statuses without a stage."""
        index = {stage: i for i, stage in enumerate(STAGES)}
        stages = [-1 if step.stage is None else index[step.stage] for step in self.journey.steps.values()]
        return np.array(stages + [-1] * len(self.journey.exits), dtype=np.int8)

    @cached_property
    def has_stages(self) -> bool:
        """Whether any step names a stage: only then do stage-to-stage figures mean anything."""
        return bool((self.stage_of >= 0).any())

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

    def movers(self, origin: int, target: int) -> list[str] | None:
        """Who may record activity ``target`` for a case at ``origin``, None
        for anyone.

        A move of the journey takes the roles it names (``moved_by``), else
        the owner of the step it records; an exit's, anyone (as before moves
        could name movers). An event that is no move of the journey (a skipped
        step, one out of order) may be recorded by anyone who may make some
        move into its activity.
        """
        if origin < self.start and self.graph.has_edge(origin, target):
            named = self.journey.named_movers(self.names[origin], self.names[target])
            return named if named is not None else self._owner(target)
        into = [o for o in self.graph.predecessors(target) if o < self.start]
        if not into:
            return self._owner(target)
        found: list[str] = []
        for origin_in in into:
            who = self.movers(origin_in, target)
            if who is None:
                return None
            found.extend(who)
        return list(dict.fromkeys(found))

    def _owner(self, code: int) -> list[str] | None:
        owner = self.owner(code)
        return None if owner is None else [owner]

    @cached_property
    def _movers(self) -> tuple[list[frozenset[str] | None], npt.NDArray[np.int64]]:
        """The distinct sets of actors that may record an activity (None:
        anyone), and ``cell[from, to]``, the index of the set for each move."""
        sets: dict[frozenset[str] | None, int] = {}
        cell = np.zeros((self.start + 1, len(self.names)), dtype=np.int64)
        for origin in range(self.start + 1):
            for target in range(len(self.names)):
                who = self.movers(origin, target)
                actors = None if who is None else frozenset().union(*map(self._may_act, who))
                cell[origin, target] = sets.setdefault(actors, len(sets))
        return list(sets), cell

    def _may_act(self, actor: str) -> frozenset[str]:
        """Who may act for ``actor`` by the tracker's own rule
        (:mod:`lifecycle.roles`): the people who can act for it, and the roles of
        its backup chain, since a log's resource may name a role."""
        return carriers(self.workflow, actor) | {actor, *backup_chain(self.workflow, actor)}

    def allowed(self, resources: list[str | None]) -> npt.NDArray[np.bool_]:
        """``allowed[r, p, a]``: may resource ``resources[r]`` record activity
        ``a`` for a case at ``p`` (:attr:`start` before its first event)?

        A missing resource (None) is never a deviation.
        """
        sets, cell = self._movers
        fits = np.ones((len(resources), len(sets)), dtype=bool)
        for row, resource in enumerate(resources):
            if resource is None:
                continue
            for index, actors in enumerate(sets):
                fits[row, index] = actors is None or resource in actors
        result: npt.NDArray[np.bool_] = fits[:, cell]
        return result
