"""The RACI matrix: tasks by roles, one letter per role's part in each task.

A accountable (the task's owner), R responsible, C consulted, I informed; a
role with several parts shows them together (``A/R``). Rows come in lifecycle
order with their phase, columns in lane order (roles grouped by organization).
"""

from __future__ import annotations

from dataclasses import dataclass

from lifecycle.drawing.lanes import Lane, order_lanes
from lifecycle.model import Workflow

__all__ = ["RaciMatrix", "RaciRow", "raci_matrix"]


@dataclass(frozen=True)
class RaciRow:
    """One task's row."""

    phase: str
    """The phase's title."""

    task: str
    """The task id."""

    title: str
    cells: tuple[str, ...]
    """One entry per column: ``""``, ``"A"``, ``"A/R"``, ``"C"`` ..."""


@dataclass(frozen=True)
class RaciMatrix:
    """Tasks by roles."""

    title: str
    roles: tuple[Lane, ...]
    rows: tuple[RaciRow, ...]

    @property
    def header(self) -> list[str]:
        """Column titles: phase, task id, task, then each role's title."""
        return ["Phase", "Task id", "Task", *(role.title for role in self.roles)]

    def table(self) -> list[list[str]]:
        """The rows as lists of text, in :attr:`header` order."""
        return [[r.phase, r.task, r.title, *r.cells] for r in self.rows]


def raci_matrix(workflow: Workflow) -> RaciMatrix:
    """The RACI matrix of every task of ``workflow``.

    Parameters
    ----------
    workflow
        The workflow to tabulate.

    Returns
    -------
    RaciMatrix
        Every role that takes part in any task is a column, grouped by organization.
    """
    used: set[str] = set()
    for task in workflow.tasks().values():
        used.update(task.owner, task.responsible, task.consulted, task.informed)
    roles = tuple(lane for lane in order_lanes(workflow, used) if lane.key in workflow.roles)
    rows = []
    for phase in workflow.phases.values():
        for tid, task in phase.tasks.items():
            parts = (("A", task.owner), ("R", task.responsible), ("C", task.consulted), ("I", task.informed))
            cells = tuple("/".join(letter for letter, ids in parts if role.key in ids) for role in roles)
            rows.append(RaciRow(phase.title, tid, task.title, cells))
    return RaciMatrix(workflow.title, roles, tuple(rows))
