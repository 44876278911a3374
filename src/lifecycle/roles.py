"""Who can act for a role, and how: one answer for the checks, the graphs,
what-if, the resilience score and the tracker.

A person acts for role R when they hold R, or when they hold a role in R's
chain of backups (R's backup, that role's backup, and so on). A backup may act
for R at any time, not only when R is vacant: the workflow does not know who is
on leave today, and a backup exists exactly so that the seat's work does not
wait for its holder. What a backup does is recorded as done "as backup for R",
so the audit log shows whose seat it was.

Examples
--------
>>> from lifecycle.model import Workflow
>>> workflow = Workflow.model_validate({
...     "id": "w", "title": "W",
...     "organizations": {"plan": {"name": "Plan", "kind": "payer"}},
...     "people": {"jo": {"name": "Jo", "org": "plan"}, "al": {"name": "Al", "org": "plan"}},
...     "roles": {
...         "sponsor": {"org": "plan", "title": "Sponsor", "backup": "deputy"},
...         "deputy": {"org": "plan", "title": "Deputy", "held_by": ["al"]},
...     },
... })
>>> sorted(carriers(workflow, "sponsor"))
['al']
>>> authority(workflow, "al", "sponsor").describe()
'as backup for sponsor'
>>> authority(workflow, "jo", "sponsor") is None
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lifecycle.model import Workflow


__all__ = ["Authority", "authority", "backup_chain", "carriers", "first_authority"]


@dataclass(frozen=True)
class Authority:
    """Why a person may act for a role (or a person named directly)."""

    person: str
    """Who acts."""
    actor: str
    """The role (or person) acted for."""
    through: str | None = None
    """The backup role the person holds, when they act as a backup."""

    @property
    def as_backup(self) -> bool:
        """True when the person acts through a backup role, not as a holder."""
        return self.through is not None

    def describe(self) -> str:
        """``"as R"`` for a holder, ``"as backup for R"`` for a backup, as the
        audit log and the CLI print it."""
        return f"as backup for {self.actor}" if self.as_backup else f"as {self.actor}"


def backup_chain(workflow: Workflow, role: str) -> list[str]:
    """``role`` followed by its backup, the backup's backup and so on, stopping
    at an unknown role or a loop; empty when ``role`` is not a role."""
    chain: list[str] = []
    current: str | None = role
    while current is not None and current in workflow.roles and current not in chain:
        chain.append(current)
        current = workflow.roles[current].backup
    return chain


def authority(workflow: Workflow, person: str, actor: str) -> Authority | None:
    """How ``person`` may act for ``actor`` (a role, or a person named directly),
    or None when they may not.

    A holder of the role acts as the role itself; otherwise the first role in
    its backup chain that ``person`` holds makes them a backup. A person named
    directly is carried by that person alone.
    """
    if person not in workflow.people:
        return None
    if actor in workflow.people:
        return Authority(person, actor) if person == actor else None
    for index, rid in enumerate(backup_chain(workflow, actor)):
        if person in workflow.roles[rid].held_by:
            return Authority(person, actor, rid if index else None)
    return None


def first_authority(workflow: Workflow, person: str, actors: Iterable[str]) -> Authority | None:
    """The best authority ``person`` has for any of ``actors``: a holder's
    before a backup's, then in the order given."""
    found = [a for a in (authority(workflow, person, actor) for actor in actors) if a is not None]
    found.sort(key=lambda a: a.as_backup)
    return found[0] if found else None


def carriers(workflow: Workflow, actor: str) -> frozenset[str]:
    """The people who can act for ``actor``: the holders of a role and of its
    backup chain, or a person named directly (when they are in the workflow)."""
    people = workflow.people
    if actor in people:
        return frozenset({actor})
    return frozenset(
        holder
        for rid in backup_chain(workflow, actor)
        for holder in workflow.roles[rid].held_by
        if holder in people
    )
