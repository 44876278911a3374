"""Signing gates off and advancing past them."""

from __future__ import annotations

from dataclasses import dataclass

from lifecycle.roles import authority
from lifecycle.store.tables import Signoff, utcnow
from lifecycle.tracking.errors import SignoffRefused, UnknownName
from lifecycle.tracking.gates import criterion_gaps, evaluate_gate
from lifecycle.tracking.queries import gate_phase, progress
from lifecycle.tracking.unit import Change, Refused, Work

__all__ = ["Signed", "advance", "sign_off"]


@dataclass(frozen=True)
class Signed:
    """One role a gate was signed for."""

    role: str
    how: str
    """"as R" or "as backup for R"."""
    not_ready: list[str]
    """The criteria this role signs that were not ready yet, each with what is
    missing: the sign-off is stale for them and must be given again."""


def sign_off(work: Work, phase: str, *, actor: str, evidence: str, role: str | None) -> list[Signed]:
    """Sign the exit gate of ``phase`` in ``work``'s transaction (see
    :meth:`lifecycle.tracking.Tracker.sign_off`)."""
    workflow = work.workflow
    work.person(actor)
    phase_id = gate_phase(workflow, work.partnership, phase)
    now = progress(work.db, work.partnership)
    gate = workflow.phases[phase_id].exit_gate
    signing = sorted({r for c in (gate.criteria.values() if gate else ()) for r in c.signoff})
    if role is not None and role not in workflow.roles:
        raise UnknownName("role", role, workflow.roles, f" in workflow {workflow.id!r}")
    powers = {r: authority(workflow, actor, r) for r in signing if role is None or r == role}
    chosen = {r: power for r, power in powers.items() if power is not None}
    if role is None and any(not power.as_backup for power in chosen.values()):
        # A holder signs for the seats they hold; they sign as a backup only
        # when they ask for that role, or hold no signing role.
        chosen = {r: power for r, power in chosen.items() if not power.as_backup}
    if not chosen:
        wanted = f"role {role!r}" if role else "any signing role"
        why = f"{actor} does not hold (or back up) {wanted} of gate {phase_id!r}"
        refusal = SignoffRefused(
            f"sign-off refused: {why}", [f"signing roles: {', '.join(signing) or 'none'}"]
        )
        raise Refused(refusal, actor, "gate.signoff", phase_id, detail=why)
    signed = []
    for signed_role, power in chosen.items():
        criteria = {cid: c for cid, c in gate.criteria.items() if signed_role in c.signoff} if gate else {}
        gaps = {cid: criterion_gaps(c, now) for cid, c in criteria.items()}
        not_ready = [f"{cid}: {'; '.join(missing)}" for cid, missing in gaps.items() if missing]
        signed.append(Signed(signed_role, power.describe(), not_ready))
        work.session.add(
            Signoff(
                partnership_id=work.partnership.id,
                gate_id=phase_id,
                role_id=signed_role,
                person_id=actor,
                evidence=evidence,
                signed_at=utcnow(),
                ready_for=[cid for cid, missing in gaps.items() if not missing],
                through_role=power.through,
            )
        )
        stale = f" (stale for {', '.join(not_ready)})" if not_ready else ""
        work.log(actor, "gate.signoff", phase_id, None, signed_role, f"{power.describe()}: {evidence}{stale}")
    return signed


def advance(work: Work, *, actor: str) -> Change:
    """Move the partnership past its current exit gate, if it is met."""
    work.person(actor)
    partnership = work.partnership
    before = partnership.phase

    def gate_guard(trigger: str, dest: str) -> list[str]:
        return evaluate_gate(work.workflow, before, progress(work.db, partnership)).reasons()

    label = f"partnership {partnership.name!r}"
    after = work.move(work.machines.lifecycle, label, before, "advance", gate_guard, actor, "advance", before)
    partnership.phase = after
    work.log(actor, "advance", partnership.name, before, after)
    return Change(partnership.name, before, after)
