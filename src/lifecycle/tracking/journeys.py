"""Members referred into journeys and moved along them, by an opaque key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from lifecycle.machine import COMPLETED, SharedMachine, TransitionRefused
from lifecycle.privacy import member_key_problem
from lifecycle.store.tables import JourneyInstance, utcnow
from lifecycle.tracking.errors import TrackingError, UnknownName
from lifecycle.tracking.tasks import detail
from lifecycle.tracking.unit import Change, Refused, Work

if TYPE_CHECKING:
    from lifecycle.model import Journey, Workflow

__all__ = ["check_member_key", "move_journey", "referrals_closed", "start_journey"]


def check_member_key(member_key: str) -> None:
    """Refuse a member key that is not opaque (see :mod:`lifecycle.privacy`): a
    name, an SSN, a phone number or a date never enters the audit log."""
    problem = member_key_problem(member_key)
    if problem is not None:
        raise TrackingError(f"member key {member_key!r} {problem}")


def referrals_closed(workflow: Workflow, journey: str, phase: str) -> str | None:
    """Why members cannot be referred into ``journey`` while the partnership is
    in ``phase``, or None when they can.

    Referrals open at the journey's ``opens_at`` phase; without one, once the
    first launch gate is passed (at once when the workflow has none).
    """
    if phase == COMPLETED:
        return None
    order = list(workflow.phases)
    opens_at = workflow.journeys[journey].opens_at
    if opens_at is not None:
        if order.index(phase) >= order.index(opens_at):
            return None
        return f"the partnership is in {phase!r}; referrals open at phase {opens_at!r}"
    launch = next((pid for pid, p in workflow.phases.items() if p.exit_gate and p.exit_gate.launch), None)
    if launch is None or order.index(phase) > order.index(launch):
        return None
    return f"the partnership is in {phase!r}; referrals open once the launch gate of {launch!r} is passed"


def start_journey(work: Work, journey: str, member_key: str, *, actor: str, reason: str | None) -> Change:
    """Refer a member in ``work``'s transaction (see
    :meth:`lifecycle.tracking.Tracker.start_journey`)."""
    work.person(actor)
    _machine(work, journey)
    definition = work.workflow.journeys[journey]
    closed = referrals_closed(work.workflow, journey, work.partnership.phase)
    if closed is not None:
        why = f"members cannot be referred into journey {journey!r} yet: {closed}"
        raise Refused(TransitionRefused(why), actor, "journey.start", f"{journey}/{member_key}")
    last = _latest_episode(work, journey, member_key)
    if last is not None and last.step not in definition.exits:
        raise TrackingError(
            f"member {member_key} is already in journey {journey!r} (at step {last.step!r}); "
            "a new referral opens once the member reaches an exit"
        )
    episode = 1 if last is None else last.episode + 1
    start = definition.start
    subject = _episode_subject(journey, member_key, episode)
    owner = definition.steps[start].owner
    power = work.permit(
        actor, [owner], f"refer a member into journey {journey!r}", reason, "journey.start", subject
    )
    work.session.add(
        JourneyInstance(
            partnership_id=work.partnership.id,
            journey_id=journey,
            member_key=member_key,
            episode=episode,
            step=start,
            started_at=utcnow(),
            updated_at=utcnow(),
        )
    )
    again = f"; referred again (episode {episode})" if episode > 1 else ""
    work.log(actor, "journey.start", subject, None, start, power.describe() + again)
    return Change(subject, None, start)


def move_journey(
    work: Work, journey: str, member_key: str, to: str, *, actor: str, reason: str | None
) -> Change:
    """Move a member in ``work``'s transaction (see
    :meth:`lifecycle.tracking.Tracker.move_journey`)."""
    work.person(actor)
    machine = _machine(work, journey)
    definition = work.workflow.journeys[journey]
    if to not in definition.steps and to not in definition.exits:
        known = [*definition.steps, *definition.exits]
        raise UnknownName("step or exit", to, known, f" in journey {journey!r}")
    instance = _latest_episode(work, journey, member_key)
    if instance is None:
        raise TrackingError(f"member {member_key} has no journey {journey!r} (start it first)")
    subject = _episode_subject(journey, member_key, instance.episode)
    before = instance.step
    power = work.permit(
        actor,
        definition.movers(before, to),
        f"move member {member_key} from {before!r} to {to!r}",
        reason,
        "journey.move",
        subject,
    )
    after = work.move(
        machine, f"member {member_key}", before, f"move:{to}", None, actor, "journey.move", subject
    )
    instance.step = after
    instance.updated_at = utcnow()
    work.log(
        actor,
        "journey.move",
        subject,
        before,
        after,
        detail(power, _handoff_note(work.workflow, definition, after)),
    )
    return Change(member_key, before, after)


def _machine(work: Work, journey: str) -> SharedMachine:
    machine = work.machines.journeys.get(journey)
    if machine is None:
        raise UnknownName("journey", journey, work.workflow.journeys, f" in workflow {work.workflow.id!r}")
    return machine


def _latest_episode(work: Work, journey: str, member_key: str) -> JourneyInstance | None:
    return work.session.scalar(
        select(JourneyInstance)
        .where(
            JourneyInstance.partnership_id == work.partnership.id,
            JourneyInstance.journey_id == journey,
            JourneyInstance.member_key == member_key,
        )
        .order_by(JourneyInstance.episode.desc())
        .limit(1)
    )


def _episode_subject(journey: str, member_key: str, episode: int) -> str:
    """The audit subject of a member's episode: ``journey/member``, then ``#2`` ..."""
    return f"{journey}/{member_key}" + (f"#{episode}" if episode > 1 else "")


def _handoff_note(workflow: Workflow, journey: Journey, step: str) -> str | None:
    """Name the handoff that brings the member to ``step``, for the audit log."""
    target = journey.steps.get(step)
    if target is None or not target.via or target.via not in workflow.handoffs:
        return None
    handoff = workflow.handoffs[target.via]
    channel = f" via {handoff.channel}" if handoff.channel else ""
    return f"handoff {target.via}: {handoff.from_} -> {handoff.to}{channel}"
