"""The tracking service: partnerships moved through their workflow, audited.

Every change runs in one transaction that also appends to the audit log and
bumps the partnership's version; when another process committed first, the
change is re-read and re-applied (optimistic locking), so no write is lost. A
refused change (a transition that is not allowed, a sign-off by someone who does
not hold a signing role) changes nothing but is itself logged.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from lifecycle.machine import (
    COMPLETED,
    RESOLVED,
    Guard,
    LifecycleMachines,
    SharedMachine,
    TransitionRefused,
    escalation_state,
    machines_for,
)
from lifecycle.model import EscalationPath, Journey, Workflow
from lifecycle.roles import authority
from lifecycle.store import Store, database_url, open_store
from lifecycle.store.tables import (
    AuditEntry,
    Escalation,
    EvidenceRecord,
    JourneyInstance,
    Partnership,
    Signoff,
    TaskStatus,
    utcnow,
)
from lifecycle.tracking.authorize import ActionRefused, Permission, permit
from lifecycle.tracking.errors import SignoffRefused, TrackingError, UnknownName, WorkflowChanged
from lifecycle.tracking.escalations import EscalationLine, escalation_lines, level_of
from lifecycle.tracking.gates import GateReport, Progress, SignoffFact, criterion_gaps, evaluate_gate
from lifecycle.tracking.renames import apply_renames
from lifecycle.tracking.workflows import LoadedWorkflow, file_hash, load_workflow

__all__ = ["TASK_ACTIONS", "Change", "Signed", "Tracker"]

TASK_ACTIONS = ("start", "done", "block", "waive")
"""The task actions, each a trigger of the task machine."""

_TASK_VERBS = {"start": "start", "done": "finish", "block": "block", "waive": "waive"}

SYSTEM_ACTOR = "lifecycle"
"""The actor recorded for changes lifecycle makes itself."""

_MEMBER_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
_RETRIES = 50

T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    """One audited change: what moved from where to where."""

    subject: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Signed:
    """One role a gate was signed for."""

    role: str
    how: str
    """"as R" or "as backup for R"."""
    not_ready: list[str]
    """The criteria this role signs that were not ready yet, each with what is
    missing: the sign-off is stale for them and must be given again."""


@dataclass
class _Context:
    """What one write needs: the session, the partnership, its workflow."""

    session: Session
    partnership: Partnership
    loaded: LoadedWorkflow
    machines: LifecycleMachines
    audit: list[AuditEntry]

    @property
    def workflow(self) -> Workflow:
        return self.loaded.workflow

    def log(
        self,
        actor: str,
        action: str,
        subject: str,
        before: str | None,
        after: str | None,
        detail: str | None = None,
        outcome: str = "ok",
    ) -> None:
        self.audit.append(
            AuditEntry(
                partnership_id=self.partnership.id,
                at=utcnow(),
                actor=actor,
                action=action,
                subject=subject,
                from_state=before,
                to_state=after,
                outcome=outcome,
                detail=detail,
            )
        )

    def permit(
        self,
        actor: str,
        actors: Sequence[str],
        doing: str,
        reason: str | None,
        action: str,
        subject: str,
    ) -> Permission:
        """The actor's permission to do ``doing``; a refusal leaves the
        transaction and is logged (see :func:`lifecycle.tracking.authorize.permit`)."""
        try:
            return permit(self.workflow, actor, actors, doing, reason)
        except ActionRefused as error:
            entry: dict[str, str | None] = {
                "actor": actor,
                "action": action,
                "subject": subject,
                "detail": str(error),
            }
            raise _Refusal(error, entry) from None


class _Refusal(Exception):
    """Carries a refusal out of a transaction so it can be logged after rollback."""

    def __init__(self, error: TransitionRefused, entry: dict[str, str | None]) -> None:
        self.error = error
        self.entry = entry


class Tracker:
    """Track partnerships in one database (see :func:`lifecycle.store.open_store`)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._workflows: dict[str, LoadedWorkflow] = {}

    @classmethod
    def open(cls, db: str | None = None, *, workflow: str | None = None, create: bool = False) -> Tracker:
        """Open the tracker on ``db`` (a URL or file), else ``$LIFECYCLE_DB``, else
        ``lifecycle.db`` beside ``workflow`` (or in the current folder)."""
        return cls(open_store(database_url(db, workflow=workflow), create=create))

    def close(self) -> None:
        """Release the database connections."""
        self.store.close()

    # -- partnerships -------------------------------------------------------------

    def start_partnership(
        self,
        name: str,
        workflow_path: str,
        start: dt.date,
        end: dt.date,
        *,
        actor: str,
        phase: str | None = None,
    ) -> Partnership:
        """Start tracking a partnership that follows the workflow at ``workflow_path``.

        Every task starts as ``todo``. With ``phase``, tracking begins at that
        phase: the tasks of earlier phases are recorded as waived ("before
        tracking began"), so the audit log says so.
        """
        loaded = load_workflow(workflow_path)
        workflow = loaded.workflow
        if not name.strip():
            raise TrackingError("a partnership needs a name")
        if end <= start:
            raise TrackingError(f"the contract ends ({end}) before it starts ({start})")
        if not workflow.phases:
            raise TrackingError(f"workflow {workflow.id!r} has no phases to track")
        self._person(workflow, actor)
        phase = phase or next(iter(workflow.phases))
        if phase not in workflow.phases:
            raise UnknownName("phase", phase, workflow.phases, f" in workflow {workflow.id!r}")
        earlier: set[str] = set()
        for pid in workflow.phases:
            if pid == phase:
                break
            earlier.update(workflow.phases[pid].tasks)
        with self.store.transaction() as session:
            if session.scalar(select(Partnership.id).where(Partnership.name == name)) is not None:
                raise TrackingError(f"partnership {name!r} already exists")
            partnership = Partnership(
                name=name,
                workflow_id=workflow.id,
                workflow_path=loaded.path,
                workflow_hash=loaded.hash,
                parties=list(workflow.organizations),
                contract_start=start,
                contract_end=end,
                phase=phase,
                started_phase=phase,
                created_at=utcnow(),
            )
            session.add(partnership)
            session.flush()
            context = _Context(session, partnership, loaded, self._machines(loaded), [])
            context.log(
                actor, "partnership.start", name, None, phase, f"workflow {workflow.id} {loaded.path}"
            )
            for tid in workflow.tasks():
                state = "waived" if tid in earlier else "todo"
                session.add(TaskStatus(partnership_id=partnership.id, task_id=tid, state=state))
                if state == "waived":
                    context.log(actor, "task.waive", tid, "todo", "waived", "before tracking began")
            session.add_all(context.audit)
        return partnership

    def partnerships(self) -> list[Partnership]:
        """Every tracked partnership, by name."""
        with self.store.transaction() as session:
            return list(session.scalars(select(Partnership).order_by(Partnership.name)))

    def partnership(self, name: str) -> Partnership:
        """The partnership called ``name``."""
        with self.store.transaction() as session:
            return self._find(session, name)

    def workflow_of(self, partnership: Partnership) -> LoadedWorkflow:
        """The partnership's workflow as its file reads now (see :meth:`changed`)."""
        return self._load(partnership.workflow_path)

    def changed(self, partnership: Partnership) -> bool:
        """True when the workflow file changed since the partnership started."""
        return file_hash(partnership.workflow_path) != partnership.workflow_hash

    def progress(self, name: str) -> tuple[Partnership, Progress]:
        """The partnership and its progress: task states, evidence, sign-offs."""
        with self.store.transaction() as session:
            partnership = self._find(session, name)
            return partnership, self._progress(session, partnership)

    # -- tasks ----------------------------------------------------------------------

    def change_tasks(
        self,
        name: str,
        task_ids: Sequence[str],
        action: str,
        *,
        actor: str,
        note: str | None = None,
        evidence: str | None = None,
        reason: str | None = None,
        no_evidence: bool = False,
    ) -> list[Change]:
        """Apply ``action`` (start, done, block, waive) to each task, in one
        transaction: all of them change, or none does.

        ``evidence`` (with ``done``) records that the artifacts the task produces
        exist, e.g. a link to the signed document; finishing a task that
        produces artifacts needs it, unless ``no_evidence`` with a ``reason``
        says why not, and it is refused for a task that produces nothing. Only a
        holder (or backup) of
        a task's owner or responsible roles may change it; someone acting for
        anyone (see :mod:`lifecycle.tracking.authorize`) needs a ``reason``.
        """
        if action not in TASK_ACTIONS:
            raise TrackingError(f"unknown task action {action!r} (one of {', '.join(TASK_ACTIONS)})")
        if evidence is not None and action != "done":
            raise TrackingError("evidence is recorded when a task is done")
        if evidence is not None and not evidence.strip():
            raise TrackingError("evidence must not be empty (a short text or a link)")
        if no_evidence and (evidence is not None or action != "done"):
            raise TrackingError("--no-evidence goes with `task done` and without --evidence")
        if no_evidence and not (reason and reason.strip()):
            raise TrackingError("--no-evidence needs --reason: say why the artifact has no evidence yet")

        def apply(context: _Context) -> list[Change]:
            workflow = context.workflow
            self._person(workflow, actor)
            tasks = workflow.tasks()
            for tid in task_ids:
                if tid not in tasks:
                    raise UnknownName("task", tid, tasks, f" in workflow {workflow.id!r}")
                _check_evidence(tid, tasks[tid].produces, action, evidence, no_evidence)
            pid = context.partnership.id
            # Plain (id, state) pairs for the guards; ORM rows only for the tasks that change.
            states = dict(
                context.session.execute(
                    select(TaskStatus.task_id, TaskStatus.state).where(TaskStatus.partnership_id == pid)
                ).all()
            )
            rows = {
                row.task_id: row
                for row in context.session.scalars(
                    select(TaskStatus).where(
                        TaskStatus.partnership_id == pid, TaskStatus.task_id.in_(task_ids)
                    )
                )
            }
            machine = context.machines.task
            changes = []
            for tid in task_ids:
                task = tasks[tid]
                power = context.permit(
                    actor,
                    [*task.owner, *task.responsible],
                    f"{_TASK_VERBS[action]} task {tid!r}",
                    reason,
                    f"task.{action}",
                    tid,
                )
                row = rows[tid]
                before = row.state
                guard = _predecessors_guard(tasks[tid].after, states)
                after = _move(machine, f"task {tid!r}", before, action, guard, actor, f"task.{action}", tid)
                row.state = states[tid] = after
                row.note = note
                row.updated_by = actor
                row.updated_at = utcnow()
                unproven = f"no evidence: {reason}" if no_evidence and task.produces else None
                context.log(
                    actor,
                    f"task.{action}",
                    tid,
                    before,
                    after,
                    _detail(power, "; ".join(filter(None, [note, unproven]))),
                )
                if evidence is not None:
                    for artifact in tasks[tid].produces:
                        context.session.add(
                            EvidenceRecord(
                                partnership_id=context.partnership.id,
                                artifact_id=artifact,
                                evidence=evidence,
                                task_id=tid,
                                recorded_by=actor,
                                recorded_at=utcnow(),
                            )
                        )
                        context.log(actor, "artifact.evidence", artifact, None, "present", evidence)
                changes.append(Change(tid, before, after))
            return changes

        return self._write(name, apply)

    # -- gates ----------------------------------------------------------------------

    def record_evidence(
        self, name: str, artifact: str, evidence: str, *, actor: str, reason: str | None = None
    ) -> None:
        """Record evidence that ``artifact`` exists without finishing a task, e.g.
        a document made before tracking began; only the roles of the tasks that
        produce it may (anyone, for an artifact no task produces)."""
        if not evidence.strip():
            raise TrackingError("evidence must not be empty (a short text or a link)")

        def apply(context: _Context) -> None:
            workflow = context.workflow
            self._person(workflow, actor)
            if artifact not in workflow.artifacts:
                raise UnknownName("artifact", artifact, workflow.artifacts, f" in workflow {workflow.id!r}")
            makers = [r for t in workflow.tasks().values() if artifact in t.produces for r in t.owner]
            makers += [r for t in workflow.tasks().values() if artifact in t.produces for r in t.responsible]
            detail = evidence
            if makers:
                power = context.permit(
                    actor, makers, f"record evidence for {artifact!r}", reason, "artifact.evidence", artifact
                )
                detail = _detail(power, evidence)
            context.session.add(
                EvidenceRecord(
                    partnership_id=context.partnership.id,
                    artifact_id=artifact,
                    evidence=evidence,
                    recorded_by=actor,
                    recorded_at=utcnow(),
                )
            )
            context.log(actor, "artifact.evidence", artifact, None, "present", detail)

        self._write(name, apply)

    def check_gate(self, name: str, phase: str | None = None) -> GateReport:
        """The exit gate of ``phase`` (the current phase by default), criterion by criterion."""
        with self.store.transaction() as session:
            partnership = self._find(session, name)
            workflow = self.workflow_of(partnership).workflow
            phase = self._gate_phase(workflow, partnership, phase)
            return evaluate_gate(workflow, phase, self._progress(session, partnership))

    def sign_off(
        self, name: str, phase: str, *, actor: str, evidence: str, role: str | None = None
    ) -> list[Signed]:
        """Sign the exit gate of ``phase`` as ``actor`` for each signing role they
        hold or back up (or only ``role``); returns the roles signed. A backup's
        sign-off is logged "as backup for R" (see :mod:`lifecycle.roles`). A
        sign-off counts only for the criteria whose tasks and artifacts are
        already in place; for the others it is recorded as stale (see
        :attr:`Signed.not_ready`) and must be given again once they are.

        Raises
        ------
        SignoffRefused
            When ``actor`` holds or backs up none of the gate's signing roles
            (or not ``role``); the refusal is logged.
        """
        if not evidence.strip():
            raise TrackingError("a sign-off needs evidence (a short text or a link)")

        def apply(context: _Context) -> list[Signed]:
            workflow = context.workflow
            self._person(workflow, actor)
            phase_id = self._gate_phase(workflow, context.partnership, phase)
            progress = self._progress(context.session, context.partnership)
            gate = workflow.phases[phase_id].exit_gate
            signing = sorted({r for c in (gate.criteria.values() if gate else ()) for r in c.signoff})
            if role is not None and role not in workflow.roles:
                raise UnknownName("role", role, workflow.roles, f" in workflow {workflow.id!r}")
            powers = {r: authority(workflow, actor, r) for r in signing if role is None or r == role}
            chosen = {r: power for r, power in powers.items() if power is not None}
            if role is None and any(not power.as_backup for power in chosen.values()):
                # A holder signs for the seats they hold; they sign as a backup
                # only when they ask for that role, or hold no signing role.
                chosen = {r: power for r, power in chosen.items() if not power.as_backup}
            if not chosen:
                wanted = f"role {role!r}" if role else "any signing role"
                why = f"{actor} does not hold (or back up) {wanted} of gate {phase_id!r}"
                refusal = SignoffRefused(
                    f"sign-off refused: {why}", [f"signing roles: {', '.join(signing) or 'none'}"]
                )
                raise _Refusal(
                    refusal, {"actor": actor, "action": "gate.signoff", "subject": phase_id, "detail": why}
                )
            signed = []
            for signed_role, power in chosen.items():
                criteria = (
                    {cid: c for cid, c in gate.criteria.items() if signed_role in c.signoff} if gate else {}
                )
                gaps = {cid: criterion_gaps(c, progress) for cid, c in criteria.items()}
                ready = [cid for cid, missing in gaps.items() if not missing]
                not_ready = [f"{cid}: {'; '.join(missing)}" for cid, missing in gaps.items() if missing]
                signed.append(Signed(signed_role, power.describe(), not_ready))
                context.session.add(
                    Signoff(
                        partnership_id=context.partnership.id,
                        gate_id=phase_id,
                        role_id=signed_role,
                        person_id=actor,
                        evidence=evidence,
                        signed_at=utcnow(),
                        ready_for=ready,
                        through_role=power.through,
                    )
                )
                stale = f" (stale for {', '.join(not_ready)})" if not_ready else ""
                context.log(
                    actor,
                    "gate.signoff",
                    phase_id,
                    None,
                    signed_role,
                    f"{power.describe()}: {evidence}{stale}",
                )
            return signed

        return self._write(name, apply)

    def advance(self, name: str, *, actor: str) -> Change:
        """Move the partnership to its next phase, if the current exit gate is met.

        Raises
        ------
        TransitionRefused
            Listing every unmet criterion; the refusal is logged.
        """

        def apply(context: _Context) -> Change:
            self._person(context.workflow, actor)
            partnership = context.partnership
            before = partnership.phase
            report: list[GateReport] = []

            def gate_guard(trigger: str, dest: str) -> list[str]:
                gate = evaluate_gate(context.workflow, before, self._progress(context.session, partnership))
                report.append(gate)
                return gate.reasons()

            label = f"partnership {partnership.name!r}"
            after = _move(
                context.machines.lifecycle, label, before, "advance", gate_guard, actor, "advance", before
            )
            partnership.phase = after
            context.log(actor, "advance", partnership.name, before, after)
            return Change(partnership.name, before, after)

        return self._write(name, apply)

    # -- member journeys and escalations --------------------------------------------

    def start_journey(
        self, name: str, journey: str, member_key: str, *, actor: str, reason: str | None = None
    ) -> Change:
        """Refer the member known by the opaque ``member_key`` into ``journey``.

        Referrals open at the journey's ``opens_at`` phase, or once the launch
        gate is passed; before then they are refused and the refusal logged. A
        member whose last episode of the journey ended at an exit may be
        referred again: a new episode, with its own audit subject
        (``journey/member#2``).
        """
        if not _MEMBER_KEY.match(member_key):
            raise TrackingError(
                f"member key {member_key!r} is not an opaque key: use a referral or case number "
                "(letters, digits, . _ : -, up to 64), never a name"
            )

        def apply(context: _Context) -> Change:
            self._person(context.workflow, actor)
            self._journey(context, journey)
            definition = context.workflow.journeys[journey]
            closed = referrals_closed(context.workflow, journey, context.partnership.phase)
            if closed is not None:
                why = f"members cannot be referred into journey {journey!r} yet: {closed}"
                raise _Refusal(
                    TransitionRefused(why),
                    {
                        "actor": actor,
                        "action": "journey.start",
                        "subject": f"{journey}/{member_key}",
                        "detail": why,
                    },
                )
            last = _latest_episode(context, journey, member_key)
            if last is not None and last.step not in definition.exits:
                raise TrackingError(
                    f"member {member_key} is already in journey {journey!r} (at step {last.step!r}); "
                    "a new referral opens once the member reaches an exit"
                )
            episode = 1 if last is None else last.episode + 1
            start = definition.start
            subject = _episode_subject(journey, member_key, episode)
            owner = definition.steps[start].owner
            power = context.permit(
                actor, [owner], f"refer a member into journey {journey!r}", reason, "journey.start", subject
            )
            context.session.add(
                JourneyInstance(
                    partnership_id=context.partnership.id,
                    journey_id=journey,
                    member_key=member_key,
                    episode=episode,
                    step=start,
                    started_at=utcnow(),
                    updated_at=utcnow(),
                )
            )
            again = f"; referred again (episode {episode})" if episode > 1 else ""
            context.log(actor, "journey.start", subject, None, start, power.describe() + again)
            return Change(subject, None, start)

        return self._write(name, apply)

    def move_journey(
        self, name: str, journey: str, member_key: str, to: str, *, actor: str, reason: str | None = None
    ) -> Change:
        """Move a member's journey to step or exit ``to``, along a ``next`` link;
        only the owner of the step the member is at, or of the step they move
        to, may (see :mod:`lifecycle.tracking.authorize`)."""

        def apply(context: _Context) -> Change:
            self._person(context.workflow, actor)
            machine = self._journey(context, journey)
            definition = context.workflow.journeys[journey]
            if to not in definition.steps and to not in definition.exits:
                known = [*definition.steps, *definition.exits]
                raise UnknownName("step or exit", to, known, f" in journey {journey!r}")
            instance = _latest_episode(context, journey, member_key)
            if instance is None:
                raise TrackingError(f"member {member_key} has no journey {journey!r} (start it first)")
            subject = _episode_subject(journey, member_key, instance.episode)
            before = instance.step
            owners = [s.owner for s in (definition.steps.get(before), definition.steps.get(to)) if s]
            power = context.permit(
                actor, owners, f"move member {member_key} from {before!r}", reason, "journey.move", subject
            )
            after = _move(
                machine, f"member {member_key}", before, f"move:{to}", None, actor, "journey.move", subject
            )
            instance.step = after
            instance.updated_at = utcnow()
            context.log(
                actor,
                "journey.move",
                subject,
                before,
                after,
                _detail(power, _handoff_note(context.workflow, definition, after)),
            )
            return Change(member_key, before, after)

        return self._write(name, apply)

    def open_escalation(
        self, name: str, path: str, subject: str, *, actor: str, reason: str | None = None
    ) -> tuple[int, str]:
        """Raise ``subject`` (an opaque reference) on escalation ``path``; returns
        the escalation's number and the role or person at its first level. Only
        someone at one of the path's levels may."""

        def apply(context: _Context) -> tuple[int, str]:
            self._person(context.workflow, actor)
            definition = self._path(context.workflow, path)
            power = context.permit(
                actor, definition.levels, f"open an escalation on {path!r}", reason, "escalation.open", path
            )
            row = Escalation(
                partnership_id=context.partnership.id,
                path_id=path,
                subject=subject,
                state=escalation_state(1),
                opened_by=actor,
                opened_at=utcnow(),
                updated_at=utcnow(),
                level_since=utcnow(),
            )
            context.session.add(row)
            context.session.flush()
            level = definition.levels[0]
            context.log(
                actor,
                "escalation.open",
                f"{path}#{row.id}",
                None,
                row.state,
                _detail(power, f"{subject} -> {level}"),
            )
            return row.id, level

        return self._write(name, apply)

    def move_escalation(
        self, name: str, number: int, action: str, *, actor: str, reason: str | None = None
    ) -> Change:
        """``escalate`` escalation ``number`` one level up, or ``resolve`` it;
        only someone at its current level or a higher one may."""

        def apply(context: _Context) -> Change:
            self._person(context.workflow, actor)
            row = context.session.get(Escalation, number)
            if row is None or row.partnership_id != context.partnership.id:
                raise TrackingError(f"no escalation #{number} in partnership {context.partnership.name!r}")
            machine = context.machines.escalations.get(row.path_id)
            if machine is None:
                raise UnknownName("escalation path", row.path_id, context.workflow.escalations)
            subject = f"{row.path_id}#{number}"
            before = row.state
            levels = context.workflow.escalations[row.path_id].levels
            power = context.permit(
                actor,
                levels[level_of(before) - 1 :] if before != RESOLVED else levels,
                f"{action} escalation #{number}",
                reason,
                f"escalation.{action}",
                subject,
            )
            after = _move(
                machine, f"escalation #{number}", before, action, None, actor, f"escalation.{action}", subject
            )
            row.state = after
            row.updated_at = row.level_since = utcnow()
            context.log(
                actor,
                f"escalation.{action}",
                subject,
                before,
                after,
                _detail(power, _level_note(context, row)),
            )
            return Change(subject, before, after)

        return self._write(name, apply)

    def escalations(self, name: str) -> list[Escalation]:
        """The partnership's escalations, open and resolved."""
        with self.store.transaction() as session:
            partnership = self._find(session, name)
            query = select(Escalation).where(Escalation.partnership_id == partnership.id)
            return list(session.scalars(query.order_by(Escalation.id)))

    def escalation_lines(self, name: str, now: dt.datetime | None = None) -> list[EscalationLine]:
        """The partnership's escalations with their level, who has them, when
        the level must respond, whether it is overdue (as of ``now``, by default
        the current time) and who is next."""
        partnership = self.partnership(name)
        workflow = self.workflow_of(partnership).workflow
        return escalation_lines(workflow, self.escalations(name), now or utcnow())

    def journeys(self, name: str) -> list[JourneyInstance]:
        """The partnership's member journeys."""
        with self.store.transaction() as session:
            partnership = self._find(session, name)
            query = select(JourneyInstance).where(JourneyInstance.partnership_id == partnership.id)
            return list(session.scalars(query.order_by(JourneyInstance.id)))

    # -- audit and rebase -----------------------------------------------------------

    def audit(
        self,
        name: str,
        *,
        actor: str | None = None,
        action: str | None = None,
        subject: str | None = None,
        since: dt.datetime | None = None,
    ) -> list[AuditEntry]:
        """The partnership's audit trail, oldest first, filtered by actor, action
        (a prefix such as ``task`` or ``task.done``), subject and time."""
        with self.store.transaction() as session:
            partnership = self._find(session, name)
            query = select(AuditEntry).where(AuditEntry.partnership_id == partnership.id)
            if actor:
                query = query.where(AuditEntry.actor == actor)
            if action:
                query = query.where(
                    (AuditEntry.action == action)
                    | AuditEntry.action.startswith(action + ".", autoescape=True)
                )
            if subject:
                query = query.where(AuditEntry.subject == subject)
            if since:
                query = query.where(AuditEntry.at >= since)
            return list(session.scalars(query.order_by(AuditEntry.id)))

    def rebase(
        self, name: str, *, actor: str, force: bool = False, renames: Mapping[str, str] | None = None
    ) -> list[str]:
        """Move the partnership to the workflow file's current version.

        ``renames`` maps old ids to new ones (tasks, gates, artifacts, journey
        steps) whose tracked state moves along (see
        :mod:`lifecycle.tracking.renames`). New tasks are added as ``todo``.
        Refused when a task that has progress (not ``todo``) disappeared, unless
        ``force``; the current phase must still exist. Returns one line per
        change made.
        """

        def apply(context: _Context) -> list[str]:
            partnership = context.partnership
            workflow = context.workflow
            self._person(workflow, actor)
            lines = []
            for moved in apply_renames(context.session, partnership, workflow, renames or {}):
                context.log(
                    actor, f"{moved.kind}.rename", moved.old, moved.old, moved.new, "renamed in the workflow"
                )
                lines.append(f"renamed {moved.kind} {moved.old} -> {moved.new}")
            context.session.flush()
            if partnership.phase != COMPLETED and partnership.phase not in workflow.phases:
                raise TrackingError(
                    f"cannot rebase {partnership.name!r}: its current phase {partnership.phase!r} "
                    "is gone from the workflow"
                )
            rows = list(
                context.session.scalars(select(TaskStatus).where(TaskStatus.partnership_id == partnership.id))
            )
            tasks = workflow.tasks()
            gone = [row for row in rows if row.task_id not in tasks]
            tracked = [f"{row.task_id} ({row.state})" for row in gone if row.state != "todo"]
            if tracked and not force:
                raise TrackingError(
                    f"cannot rebase {partnership.name!r}: tracked tasks disappeared from the workflow: "
                    f"{', '.join(tracked)} (use --rename OLD=NEW when they were renamed, or --force to "
                    "drop them; the audit log keeps their history)"
                )
            for row in gone:
                context.session.delete(row)
                context.log(actor, "task.remove", row.task_id, row.state, None, "gone from the workflow")
                lines.append(f"removed task {row.task_id} ({row.state})")
            present = {row.task_id for row in rows}
            for tid in tasks:
                if tid not in present:
                    context.session.add(TaskStatus(partnership_id=partnership.id, task_id=tid, state="todo"))
                    context.log(actor, "task.add", tid, None, "todo", "new in the workflow")
                    lines.append(f"added task {tid}")
            old = partnership.workflow_hash
            partnership.workflow_hash = context.loaded.hash
            partnership.workflow_id = workflow.id
            detail = "forced" if force and tracked else None
            context.log(
                actor, "partnership.rebase", partnership.name, old[:12], context.loaded.hash[:12], detail
            )
            return lines

        return self._write(name, apply, rebasing=True)

    # -- internals ------------------------------------------------------------------

    def _write(self, name: str, apply: Callable[[_Context], T], *, rebasing: bool = False) -> T:
        """Run ``apply`` in a transaction that bumps the partnership's version,
        retrying from a fresh read when another writer committed first."""
        for attempt in range(_RETRIES):
            try:
                with self.store.transaction() as session:
                    partnership = self._find(session, name)
                    loaded = self.workflow_of(partnership)
                    if loaded.hash != partnership.workflow_hash and not rebasing:
                        raise WorkflowChanged(
                            f"the workflow file {partnership.workflow_path} changed since partnership "
                            f"{name!r} started: run `lifecycle partnership rebase {name}` first"
                        )
                    context = _Context(session, partnership, loaded, self._machines(loaded), [])
                    result = apply(context)
                    session.add_all(context.audit)
                    flag_modified(partnership, "phase")
                return result
            except StaleDataError:
                time.sleep(0.001 * (attempt + 1))
            except _Refusal as refusal:
                self._log_refusal(name, refusal.entry)
                raise refusal.error from None
        raise TrackingError(f"partnership {name!r} is too busy: gave up after {_RETRIES} attempts")

    def _log_refusal(self, name: str, entry: dict[str, str | None]) -> None:
        with self.store.transaction() as session:
            partnership = self._find(session, name)
            session.add(
                AuditEntry(
                    partnership_id=partnership.id,
                    at=utcnow(),
                    actor=entry["actor"] or SYSTEM_ACTOR,
                    action=entry["action"] or "",
                    subject=entry["subject"] or "",
                    from_state=entry.get("from"),
                    to_state=entry.get("to"),
                    outcome="refused",
                    detail=entry.get("detail"),
                )
            )

    def _find(self, session: Session, name: str) -> Partnership:
        partnership = session.scalar(select(Partnership).where(Partnership.name == name))
        if partnership is None:
            names = session.scalars(select(Partnership.name)).all()
            raise UnknownName("partnership", name, names, f" in {self.store.url}")
        return partnership

    def _load(self, path: str) -> LoadedWorkflow:
        loaded = load_workflow(path)
        return self._workflows.setdefault(loaded.hash, loaded)

    @staticmethod
    def _machines(loaded: LoadedWorkflow) -> LifecycleMachines:
        return machines_for(loaded.workflow, loaded.hash)

    @staticmethod
    def _person(workflow: Workflow, person: str) -> None:
        if person not in workflow.people:
            raise UnknownName("person", person, workflow.people, f" in workflow {workflow.id!r}")

    @staticmethod
    def _gate_phase(workflow: Workflow, partnership: Partnership, phase: str | None) -> str:
        phase = phase or partnership.phase
        if phase == COMPLETED:
            raise TrackingError(f"partnership {partnership.name!r} has completed every phase")
        if phase not in workflow.phases:
            raise UnknownName("gate (phase)", phase, workflow.phases, f" in workflow {workflow.id!r}")
        return phase

    @staticmethod
    def _journey(context: _Context, journey: str) -> SharedMachine:
        machine = context.machines.journeys.get(journey)
        if machine is None:
            raise UnknownName(
                "journey", journey, context.workflow.journeys, f" in workflow {context.workflow.id!r}"
            )
        return machine

    @staticmethod
    def _path(workflow: Workflow, path: str) -> EscalationPath:
        definition = workflow.escalations.get(path)
        if definition is None or not definition.levels:
            raise UnknownName("escalation path", path, workflow.escalations, f" in workflow {workflow.id!r}")
        return definition

    @staticmethod
    def _progress(session: Session, partnership: Partnership) -> Progress:
        pid = partnership.id
        task_rows = session.execute(
            select(TaskStatus.task_id, TaskStatus.state).where(TaskStatus.partnership_id == pid)
        )
        tasks = {task_id: state for task_id, state in task_rows}
        evidence: dict[str, list[str]] = {}
        for artifact, text in session.execute(
            select(EvidenceRecord.artifact_id, EvidenceRecord.evidence)
            .where(EvidenceRecord.partnership_id == pid)
            .order_by(EvidenceRecord.id)
        ):
            evidence.setdefault(artifact, []).append(text)
        signoffs: dict[str, list[SignoffFact]] = {}
        for row in session.scalars(select(Signoff).where(Signoff.partnership_id == pid).order_by(Signoff.id)):
            fact = SignoffFact(
                row.role_id,
                row.person_id,
                row.evidence,
                row.signed_at.isoformat(timespec="minutes"),
                None if row.ready_for is None else tuple(row.ready_for),
            )
            signoffs.setdefault(row.gate_id, []).append(fact)
        return Progress(tasks, evidence, signoffs, partnership.started_phase)


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


def _latest_episode(context: _Context, journey: str, member_key: str) -> JourneyInstance | None:
    return context.session.scalar(
        select(JourneyInstance)
        .where(
            JourneyInstance.partnership_id == context.partnership.id,
            JourneyInstance.journey_id == journey,
            JourneyInstance.member_key == member_key,
        )
        .order_by(JourneyInstance.episode.desc())
        .limit(1)
    )


def _episode_subject(journey: str, member_key: str, episode: int) -> str:
    """The audit subject of a member's episode: ``journey/member``, then ``#2`` ..."""
    return f"{journey}/{member_key}" + (f"#{episode}" if episode > 1 else "")


def _check_evidence(
    tid: str, produces: Sequence[str], action: str, evidence: str | None, no_evidence: bool
) -> None:
    """Refuse to finish a task that produces artifacts without evidence (or an
    explicit ``no_evidence``), and evidence for a task that produces nothing."""
    if action != "done":
        return
    if evidence is not None and not produces:
        raise TrackingError(
            f"task {tid!r} produces no artifact, so its evidence would be kept nowhere "
            "(record evidence for an artifact with `lifecycle gate evidence`)"
        )
    if evidence is None and produces and not no_evidence:
        raise TrackingError(
            f"task {tid!r} produces {', '.join(produces)}: give --evidence (a link or a short text), "
            "or --no-evidence --reason WHY"
        )


def _predecessors_guard(after: Iterable[str], states: dict[str, str]) -> Guard:
    def guard(trigger: str, dest: str) -> list[str]:
        return [
            f"predecessor {tid!r} is {states.get(tid, 'todo')}"
            for tid in after
            if states.get(tid, "todo") not in ("done", "waived")
        ]

    return guard


def _move(
    machine: SharedMachine,
    label: str,
    state: str,
    trigger: str,
    guard: Guard | None,
    actor: str,
    action: str,
    subject: str,
) -> str:
    """Fire ``trigger``; a refusal leaves the transaction and is logged."""
    try:
        return machine.move(label, state, trigger, guard)
    except TransitionRefused as error:
        detail = "; ".join(error.reasons) or str(error)
        entry = {
            "actor": actor,
            "action": action,
            "subject": subject,
            "from": state,
            "to": None,
            "detail": detail,
        }
        raise _Refusal(error, entry) from None


def _handoff_note(workflow: Workflow, journey: Journey, step: str) -> str | None:
    """Name the handoff that brings the member to ``step``, for the audit log."""
    target = journey.steps.get(step)
    if target is None or not target.via or target.via not in workflow.handoffs:
        return None
    handoff = workflow.handoffs[target.via]
    channel = f" via {handoff.channel}" if handoff.channel else ""
    return f"handoff {target.via}: {handoff.from_} -> {handoff.to}{channel}"


def _level_note(context: _Context, row: Escalation) -> str | None:
    if row.state == RESOLVED:
        return None
    levels = context.workflow.escalations[row.path_id].levels
    return f"now with {levels[level_of(row.state) - 1]}"


def _detail(power: Permission, note: str | None) -> str:
    """The audit detail of a permitted change: how the actor was allowed, and the note."""
    return f"{power.describe()}; {note}" if note else power.describe()
