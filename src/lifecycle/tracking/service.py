"""The tracker: partnerships moved through their workflow, audited.

:class:`Tracker` is the library's one entry point for tracking. Each method
checks what it can without the database, then runs one unit of work
(:mod:`lifecycle.tracking.unit`) with the module that owns the concern: tasks
and evidence (:mod:`~lifecycle.tracking.tasks`), sign-offs and advancing
(:mod:`~lifecycle.tracking.signoffs`), member journeys
(:mod:`~lifecycle.tracking.journeys`), escalations
(:mod:`~lifecycle.tracking.escalations`), starting and rebasing
(:mod:`~lifecycle.tracking.partnerships`). Its read-only questions are those of
:class:`~lifecycle.tracking.reads.Reads`, asked through its store's sessions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from lifecycle.store import database_url
from lifecycle.store.engine import Store, database_of, open_store
from lifecycle.store.reading import Database
from lifecycle.store.tables import Partnership
from lifecycle.tracking import escalations, journeys, partnerships, signoffs, tasks
from lifecycle.tracking.errors import TrackingError
from lifecycle.tracking.reads import Reads
from lifecycle.tracking.signoffs import Signed
from lifecycle.tracking.tasks import TASK_ACTIONS
from lifecycle.tracking.unit import Change, UnitOfWork
from lifecycle.tracking.workflows import load_workflow

__all__ = ["TASK_ACTIONS", "Change", "Signed", "Tracker"]


class Tracker(Reads):
    """Track partnerships in one database (see :func:`lifecycle.store.open_store`)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.unit = UnitOfWork(store)

    @classmethod
    def open(cls, db: str | None = None, *, workflow: str | None = None, create: bool = False) -> Tracker:
        """Open the tracker on ``db`` (a URL or file), else ``$LIFECYCLE_DB``, else
        ``lifecycle.db`` beside ``workflow`` (or in the current folder)."""
        return cls(open_store(database_url(db, workflow=workflow), create=create))

    def close(self) -> None:
        """Release the database connections."""
        self.store.close()

    @property
    def url(self) -> str:
        """The database as shown to users (no password)."""
        return self.store.url

    @contextmanager
    def reading(self) -> Iterator[Database]:
        """One read transaction of a session of the store."""
        with self.store.transaction() as session:
            yield database_of(session)

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
        tracking began"), and the gates before it are not tracked. ``actor``
        must be a person of the workflow.
        """
        loaded = load_workflow(workflow_path)
        with self.store.transaction(write=True) as session:
            return partnerships.start_partnership(session, loaded, name, start, end, actor=actor, phase=phase)

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
        return self.unit.write(
            name,
            lambda work: partnerships.rebase(work, actor=actor, force=force, renames=renames or {}),
            rebasing=True,
        )

    # -- tasks and gates -------------------------------------------------------------

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
        holder (or backup) of a task's owner or responsible roles may change it;
        someone acting for anyone (see :mod:`lifecycle.tracking.authorize`)
        needs a ``reason``.
        """
        tasks.check_task_request(action, evidence, no_evidence, reason)
        return self.unit.write(
            name,
            lambda work: tasks.change_tasks(
                work,
                task_ids,
                action,
                actor=actor,
                note=note,
                evidence=evidence,
                reason=reason,
                no_evidence=no_evidence,
            ),
        )

    def record_evidence(
        self, name: str, artifact: str, evidence: str, *, actor: str, reason: str | None = None
    ) -> None:
        """Record evidence that ``artifact`` exists without finishing a task, e.g.
        a document made before tracking began; only the roles of the tasks that
        produce it may (anyone, for an artifact no task produces)."""
        if not evidence.strip():
            raise TrackingError("evidence must not be empty (a short text or a link)")
        self.unit.write(
            name, lambda work: tasks.record_evidence(work, artifact, evidence, actor=actor, reason=reason)
        )

    def sign_off(
        self, name: str, phase: str, *, actor: str, evidence: str, role: str | None = None
    ) -> list[Signed]:
        """Sign the exit gate of ``phase`` as ``actor`` for each signing role they
        hold (or, when they hold none, back up; or only ``role``). A backup's
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
        return self.unit.write(
            name, lambda work: signoffs.sign_off(work, phase, actor=actor, evidence=evidence, role=role)
        )

    def advance(self, name: str, *, actor: str) -> Change:
        """Move the partnership to its next phase, if the current exit gate is met.

        Raises
        ------
        TransitionRefused
            Listing every unmet criterion; the refusal is logged.
        """
        return self.unit.write(name, lambda work: signoffs.advance(work, actor=actor))

    # -- member journeys and escalations --------------------------------------------

    def start_journey(
        self, name: str, journey: str, member_key: str, *, actor: str, reason: str | None = None
    ) -> Change:
        """Refer the member known by the opaque ``member_key`` into ``journey``.

        Referrals open at the journey's ``opens_at`` phase, or once the launch
        gate is passed; before then they are refused and the refusal logged. A
        member whose last episode of the journey ended at an exit may be
        referred again: a new episode, with its own audit subject
        (``journey/member#2``). Only the owner of the first step may refer.
        """
        journeys.check_member_key(member_key)
        return self.unit.write(
            name, lambda work: journeys.start_journey(work, journey, member_key, actor=actor, reason=reason)
        )

    def move_journey(
        self, name: str, journey: str, member_key: str, to: str, *, actor: str, reason: str | None = None
    ) -> Change:
        """Move a member's journey to step or exit ``to``, along a ``next`` link;
        only the owner of the step the member is at, or of the step they move
        to, may (see :mod:`lifecycle.tracking.authorize`)."""
        return self.unit.write(
            name,
            lambda work: journeys.move_journey(work, journey, member_key, to, actor=actor, reason=reason),
        )

    def open_escalation(
        self, name: str, path: str, subject: str, *, actor: str, reason: str | None = None
    ) -> tuple[int, str]:
        """Raise ``subject`` (an opaque reference) on escalation ``path``; returns
        the escalation's number and the role or person at its first level. Only
        someone at one of the path's levels may."""
        return self.unit.write(
            name, lambda work: escalations.open_escalation(work, path, subject, actor=actor, reason=reason)
        )

    def move_escalation(
        self, name: str, number: int, action: str, *, actor: str, reason: str | None = None
    ) -> Change:
        """``escalate`` escalation ``number`` one level up, or ``resolve`` it;
        only someone at its current level or a higher one may."""
        return self.unit.write(
            name, lambda work: escalations.move_escalation(work, number, action, actor=actor, reason=reason)
        )
