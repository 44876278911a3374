"""Who may make a tracked change: the roles the workflow gives that power.

A task is started, finished, blocked or waived by its owner or a responsible
role; a member's journey is moved by the roles the move names (``moved_by``),
else by the owner of the step the member is at or of the step they move to
(taking up a handoff), and started by the owner of the first step; an
escalation is opened by any of its levels and moved up or resolved by the
level it is at or a higher one. Holding a role or backing it up
(:mod:`lifecycle.roles`) both count. A holder of a role marked
``acts_for_anyone`` (a partnership lead, a facilitator) may act for anyone, but
only with a stated reason. Everyone else is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lifecycle.machine import TransitionRefused
from lifecycle.roles import Authority, first_authority

if TYPE_CHECKING:
    from lifecycle.model import Workflow

__all__ = ["ActionRefused", "Permission", "permit"]


class ActionRefused(TransitionRefused):
    """A person tried a change that no role they hold or back up may make."""


@dataclass(frozen=True)
class Permission:
    """Why a person may make a change."""

    authority: Authority
    """The role they act as: one the workflow gives the power, or their
    ``acts_for_anyone`` role when they act for someone else."""
    on_behalf_of: str | None = None
    """The role (or person) they act for, when they act for someone else."""
    reason: str | None = None
    """Why they act for someone else (required then)."""

    def describe(self) -> str:
        """How the audit log names the permission: "as R", "as backup for R", or
        "for R, as F: reason" for someone acting for R through role F."""
        if self.on_behalf_of is not None:
            return f"for {self.on_behalf_of}, {self.authority.describe()}: {self.reason}"
        return self.authority.describe()


def permit(
    workflow: Workflow, person: str, actors: Sequence[str], doing: str, reason: str | None = None
) -> Permission:
    """The permission ``person`` has to do ``doing``, which ``actors`` (roles or
    people) may do.

    Parameters
    ----------
    workflow
        The partnership's workflow.
    person
        Who asks (a person id of the workflow).
    actors
        The roles (or people) the workflow gives the power, best first.
    doing
        What is asked, for the refusal ("finish task 'sign-contract'").
    reason
        Why the person acts for someone else, when they hold no role in
        ``actors`` but an ``acts_for_anyone`` role.

    Raises
    ------
    ActionRefused
        When the person holds and backs up none of ``actors`` and may not act
        for anyone (or gave no reason).
    """
    actors = list(dict.fromkeys(actors))
    own = first_authority(workflow, person, actors)
    if own is not None:
        return Permission(own)
    anyone = [rid for rid, role in workflow.roles.items() if role.acts_for_anyone]
    lead = first_authority(workflow, person, anyone)
    who = ", ".join(actors) or "nobody (the workflow names no role)"
    if lead is None:
        raise ActionRefused(f"{person} may not {doing}: they hold or back up none of {who}")
    if not reason or not reason.strip():
        raise ActionRefused(
            f"{person} may {doing} only for someone else, {lead.describe()}: give --reason "
            f"(it is kept in the audit log; {who} may without one)"
        )
    return Permission(lead, actors[0] if actors else "nobody", reason.strip())
