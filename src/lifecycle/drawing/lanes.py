"""Which lanes a map has and in what order: roles grouped by organization.

Organizations come in the order the workflow declares them, and each one's roles
in declaration order, so a facilitator controls the top-to-bottom order of a
map by the order of the file. A person who carries work without holding a role
(an unofficial "go-to") gets a lane of their own in their organization, and
work with no owner goes to a last, unassigned lane, so gaps stay visible.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from lifecycle.model import Workflow

__all__ = ["UNASSIGNED", "Lane", "lane_of_actor", "order_lanes"]

UNASSIGNED = "unassigned"
"""The key of the lane for work that names no owner."""


@dataclass(frozen=True)
class Lane:
    """One horizontal lane of a map."""

    key: str
    """The role id (or person id, or :data:`UNASSIGNED`)."""

    title: str
    """What the lane header says."""

    org: str | None
    """The organization id the lane belongs to (None for the unassigned lane)."""

    org_title: str
    """The organization's name, or a word for lanes without one."""

    org_kind: str
    """The organization's kind (payer, cbo, ...), which picks the lane colours."""

    unofficial: bool = False
    """True for a person's own lane: someone relied on without a role."""


def lane_of_actor(workflow: Workflow, actor: str | None) -> str:
    """The lane key for a role or person id: a person maps to the first role they hold."""
    if actor is None or (actor not in workflow.roles and actor not in workflow.people):
        return UNASSIGNED
    if actor in workflow.roles:
        return actor
    held = [rid for rid, role in workflow.roles.items() if actor in role.held_by]
    return held[0] if held else actor


def order_lanes(workflow: Workflow, keys: Iterable[str]) -> list[Lane]:
    """The lanes for ``keys`` (role ids, person ids, :data:`UNASSIGNED`), ordered by
    organization and then by declaration order.

    Parameters
    ----------
    workflow
        The workflow that defines the roles, people and organizations.
    keys
        The lane keys the map needs; duplicates are ignored.

    Returns
    -------
    list of Lane
        Grouped by organization in the order the workflow declares them.
    """
    wanted = set(keys)
    # One pass over the roles and people, not one per organization (a network of
    # a hundred CBOs has a thousand roles).
    roles_of: dict[str, list[str]] = defaultdict(list)
    people_of: dict[str, list[str]] = defaultdict(list)
    for rid, role in workflow.roles.items():
        if rid in wanted:
            roles_of[role.org].append(rid)
    for pid, person in workflow.people.items():
        if pid in wanted:
            people_of[person.org].append(pid)
    lanes: list[Lane] = []
    for oid, org in workflow.organizations.items():
        for rid in roles_of[oid]:
            lanes.append(Lane(rid, workflow.roles[rid].title, oid, org.name, org.kind.value))
        for pid in people_of[oid]:
            lanes.append(Lane(pid, workflow.people[pid].name, oid, org.name, org.kind.value, unofficial=True))
    if UNASSIGNED in wanted:
        lanes.append(Lane(UNASSIGNED, "No owner", None, "Unassigned", "other"))
    return lanes
