"""What the rules need to know about a workflow, worked out once and shared.

Several rules ask the same questions (who can fill this seat, which phase comes
first, which task produces this artifact); :class:`Facts` answers each on first
use and keeps the answer, so a run of every rule stays linear in the file's size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

import networkx as nx

from lifecycle import graph
from lifecycle.model import SeatKind, Task, Workflow
from lifecycle.roles import carriers as role_carriers

__all__ = ["Facts", "Settings"]


@dataclass(frozen=True)
class Settings:
    """Thresholds some rules use."""

    max_seats: int = 4
    """A person holding more roles than this is reported (SPF006)."""


class Facts:
    """A workflow and the derived views the rules share."""

    def __init__(self, workflow: Workflow, settings: Settings | None = None) -> None:
        self.workflow = workflow
        self.settings = settings or Settings()
        self._carriers: dict[str, frozenset[str]] = {}

    @cached_property
    def tasks(self) -> dict[str, Task]:
        """Every task, keyed by id, in lifecycle order."""
        return self.workflow.tasks()

    @cached_property
    def phase_of(self) -> dict[str, str]:
        """Each task's phase id."""
        return self.workflow.phase_of()

    @cached_property
    def phase_rank(self) -> dict[str, int]:
        """Each phase's position in the lifecycle, from 0."""
        return {pid: rank for rank, pid in enumerate(self.workflow.phases)}

    def task_path(self, tid: str) -> tuple[str, ...]:
        """The path of a task in the file."""
        return ("phases", self.phase_of[tid], "tasks", tid)

    @cached_property
    def task_graph(self) -> nx.DiGraph[str]:
        """Predecessor -> task edges (see :func:`lifecycle.graph.task_graph`)."""
        return graph.task_graph(self.workflow)

    @cached_property
    def producers(self) -> dict[str, list[str]]:
        """Artifact id -> the tasks that produce it."""
        found: dict[str, list[str]] = defaultdict(list)
        for tid, task in self.tasks.items():
            for artifact in task.produces:
                found[artifact].append(tid)
        return dict(found)

    def org_of(self, actor: str) -> str | None:
        """The organization of a role or person."""
        return graph.actor_org(self.workflow, actor)

    def carriers(self, actor: str) -> frozenset[str]:
        """The people who can carry ``actor``'s part (see :func:`lifecycle.roles.carriers`)."""
        found = self._carriers.get(actor)
        if found is None:
            found = self._carriers[actor] = role_carriers(self.workflow, actor)
        return found

    @cached_property
    def seats(self) -> dict[str, list[str]]:
        """Person id -> the roles they hold."""
        held: dict[str, list[str]] = defaultdict(list)
        for rid, role in self.workflow.roles.items():
            for holder in role.held_by:
                held[holder].append(rid)
        return dict(held)

    def decides(self, actor: str) -> bool:
        """Whether ``actor`` is a role with decision authority, or a person
        holding one."""
        roles = self.workflow.roles
        if actor in roles:
            return roles[actor].decision_authority
        return any(roles[r].decision_authority for r in self.seats.get(actor, ()))

    def is_unofficial(self, actor: str) -> bool:
        """Whether ``actor`` names a person marked ``official: false``."""
        person = self.workflow.people.get(actor)
        return person is not None and not person.official

    def crosses(self, one: str, other: str) -> bool:
        """Whether two actors belong to different organizations."""
        a, b = self.org_of(one), self.org_of(other)
        return a is not None and b is not None and a != b

    @cached_property
    def replaced_roles(self) -> frozenset[str]:
        """Roles that are member seats (chair or voting) of a governance body with a
        replacement rule: the rule fills the seat when its holder leaves, in place
        of a backup."""
        return frozenset(
            seat.role
            for body in self.workflow.bodies.values()
            if body.replacement is not None
            for seat in body.seats.values()
            if seat.role is not None and seat.kind is not SeatKind.NON_VOTING
        )

    @cached_property
    def people_graph(self) -> nx.Graph[graph.Node]:
        """See :func:`lifecycle.graph.people_graph`."""
        return graph.people_graph(self.workflow)
