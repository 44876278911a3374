"""Escalations: raised on a path, moved up its levels, resolved. How they read
(level, due, overdue, who is next) is :mod:`lifecycle.tracking.escalation_lines`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lifecycle.machine import RESOLVED, escalation_state
from lifecycle.store.tables import Escalation, utcnow
from lifecycle.tracking.errors import TrackingError, UnknownName
from lifecycle.tracking.escalation_lines import level_of
from lifecycle.tracking.tasks import detail
from lifecycle.tracking.unit import Change, Work

if TYPE_CHECKING:
    from lifecycle.model import EscalationPath, Workflow

__all__ = ["move_escalation", "open_escalation"]


def open_escalation(
    work: Work, path: str, subject: str, *, actor: str, reason: str | None
) -> tuple[int, str]:
    """Raise ``subject`` on ``path`` in ``work``'s transaction (see
    :meth:`lifecycle.tracking.Tracker.open_escalation`)."""
    work.person(actor)
    definition = _path(work.workflow, path)
    power = work.permit(
        actor, definition.levels, f"open an escalation on {path!r}", reason, "escalation.open", path
    )
    row = Escalation(
        partnership_id=work.partnership.id,
        path_id=path,
        subject=subject,
        state=escalation_state(1),
        opened_by=actor,
        opened_at=utcnow(),
        updated_at=utcnow(),
        level_since=utcnow(),
    )
    work.session.add(row)
    work.session.flush()
    level = definition.levels[0]
    work.log(
        actor, "escalation.open", f"{path}#{row.id}", None, row.state, detail(power, f"{subject} -> {level}")
    )
    return row.id, level


def move_escalation(work: Work, number: int, action: str, *, actor: str, reason: str | None) -> Change:
    """``escalate`` or ``resolve`` escalation ``number`` in ``work``'s
    transaction; only someone at its current level or a higher one may."""
    work.person(actor)
    row = work.session.get(Escalation, number)
    if row is None or row.partnership_id != work.partnership.id:
        raise TrackingError(f"no escalation #{number} in partnership {work.partnership.name!r}")
    machine = work.machines.escalations.get(row.path_id)
    if machine is None:
        raise UnknownName("escalation path", row.path_id, work.workflow.escalations)
    subject = f"{row.path_id}#{number}"
    before = row.state
    levels = work.workflow.escalations[row.path_id].levels
    power = work.permit(
        actor,
        levels[level_of(before) - 1 :] if before != RESOLVED else levels,
        f"{action} escalation #{number}",
        reason,
        f"escalation.{action}",
        subject,
    )
    after = work.move(
        machine, f"escalation #{number}", before, action, None, actor, f"escalation.{action}", subject
    )
    row.state = after
    row.updated_at = row.level_since = utcnow()
    note = None if after == RESOLVED else f"now with {levels[level_of(after) - 1]}"
    work.log(actor, f"escalation.{action}", subject, before, after, detail(power, note))
    return Change(subject, before, after)


def _path(workflow: Workflow, path: str) -> EscalationPath:
    definition = workflow.escalations.get(path)
    if definition is None or not definition.levels:
        raise UnknownName("escalation path", path, workflow.escalations, f" in workflow {workflow.id!r}")
    return definition
