"""One unit of work per tracking command: a session, the partnership, its
workflow, the audit entries the change adds, and the refusals it logs.

A write runs in one transaction that also appends to the audit log and bumps
the partnership's version; when another process committed first, the change is
re-read and re-applied (optimistic locking), so no write is lost: retried with
a jittered, growing pause until ``$LIFECYCLE_DB_WAIT`` seconds have passed. A refusal (a
transition that is not allowed, a person without the power) changes nothing
but is itself logged, in a transaction of its own. Reads are
:mod:`lifecycle.tracking.reads`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from lifecycle.machine import Guard, LifecycleMachines, SharedMachine, TransitionRefused, machines_for
from lifecycle.store import Store
from lifecycle.store.engine import database_of
from lifecycle.store.reading import Database
from lifecycle.store.tables import AuditEntry, Partnership, seal_rows, utcnow
from lifecycle.tracking import queries
from lifecycle.tracking.authorize import ActionRefused, Permission, permit
from lifecycle.tracking.errors import TrackingError, UnknownName, WorkflowChanged
from lifecycle.tracking.workflows import LoadedWorkflow, load_workflow

if TYPE_CHECKING:
    from lifecycle.model import Workflow

__all__ = [
    "SYSTEM_ACTOR",
    "Change",
    "Refused",
    "UnitOfWork",
    "Work",
    "append_audit",
    "audit_entry",
    "check_person",
]

SYSTEM_ACTOR = "lifecycle"
"""The actor recorded for a refusal that names no one."""

_FIRST_PAUSE = 0.001
_LONGEST_PAUSE = 0.1
"""Seconds between retries of a write another writer beat: doubling from the
first, at most the longest, each drawn at random below that ("full jitter"), so
writers that collided do not collide again in step."""

T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    """One audited change: what moved from where to where."""

    subject: str
    before: str | None
    after: str | None


class Refused(Exception):
    """Carries a refusal out of a write's transaction, so that it is logged
    after the rollback and then raised to the caller."""

    def __init__(
        self,
        error: TransitionRefused,
        actor: str,
        action: str,
        subject: str,
        before: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(str(error))
        self.error = error
        self.actor = actor
        self.action = action
        self.subject = subject
        self.before = before
        self.detail = detail or "; ".join(error.reasons) or str(error)
        """What the audit log says: given, else the unmet conditions, else the message."""


def audit_entry(
    partnership_id: int,
    actor: str,
    action: str,
    subject: str,
    before: str | None,
    after: str | None,
    detail: str | None = None,
    outcome: str = "ok",
) -> dict[str, Any]:
    """The one way an audit entry is made: who did what to which subject, from
    which state to which, when, and with what outcome; the columns of one
    :class:`~lifecycle.store.tables.AuditEntry` row (see :func:`append_audit`)."""
    return {
        "partnership_id": partnership_id,
        "at": utcnow(),
        "actor": actor,
        "action": action,
        "subject": subject,
        "from_state": before,
        "to_state": after,
        "outcome": outcome,
        "detail": detail,
    }


def append_audit(session: Session, entries: list[dict[str, Any]]) -> None:
    """Append ``entries`` (from :func:`audit_entry`) to the audit log in one
    bulk insert, each sealed into its partnership's hash chain
    (:func:`lifecycle.store.tables.seal_rows`): a batch of 500 changes costs one
    Core statement, not 500 objects nor the ORM's bulk path."""
    if entries:
        seal_rows(session.connection(), entries)
        session.execute(insert(cast(Table, AuditEntry.__table__)), entries)


def check_person(workflow: Workflow, person: str) -> None:
    """Refuse ``person`` unless it names a person of ``workflow``: every ``--as``
    must."""
    if person not in workflow.people:
        raise UnknownName("person", person, workflow.people, f" in workflow {workflow.id!r}")


@dataclass
class Work:
    """What one write needs: the session, the partnership, its workflow, and the
    audit entries the write adds."""

    session: Session
    partnership: Partnership
    loaded: LoadedWorkflow
    machines: LifecycleMachines
    audit: list[dict[str, Any]] = field(default_factory=list)

    @property
    def workflow(self) -> Workflow:
        """The partnership's workflow."""
        return self.loaded.workflow

    @property
    def db(self) -> Database:
        """This write's transaction for the read queries
        (:mod:`lifecycle.tracking.queries`), with its changes so far flushed."""
        return database_of(self.session)

    def log(
        self,
        actor: str,
        action: str,
        subject: str,
        before: str | None,
        after: str | None,
        detail: str | None = None,
    ) -> None:
        """Add an audit entry to this write."""
        self.audit.append(audit_entry(self.partnership.id, actor, action, subject, before, after, detail))

    def person(self, person: str) -> None:
        """Refuse an actor who is no person of the workflow."""
        check_person(self.workflow, person)

    def permit(
        self, actor: str, actors: Sequence[str], doing: str, reason: str | None, action: str, subject: str
    ) -> Permission:
        """The actor's permission to do ``doing`` (see
        :func:`lifecycle.tracking.authorize.permit`); a refusal is logged."""
        try:
            return permit(self.workflow, actor, actors, doing, reason)
        except ActionRefused as error:
            raise Refused(error, actor, action, subject) from None

    def move(
        self,
        machine: SharedMachine,
        label: str,
        state: str,
        trigger: str,
        guard: Guard | None,
        actor: str,
        action: str,
        subject: str,
    ) -> str:
        """Fire ``trigger`` from ``state``; a refusal is logged."""
        try:
            return machine.move(label, state, trigger, guard)
        except TransitionRefused as error:
            raise Refused(error, actor, action, subject, state) from None


class UnitOfWork:
    """Runs reads and writes on one store, each in its own transaction."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def find(self, session: Session, name: str) -> Partnership:
        """The partnership called ``name``, to change in ``session``, or an
        error that lists the known ones."""
        found = queries.find_partnership(database_of(session), name, f" in {self.store.url}")
        partnership = session.get(Partnership, found.id)
        assert partnership is not None, "read in this transaction"
        return partnership

    def write(self, name: str, apply: Callable[[Work], T], *, rebasing: bool = False) -> T:
        """Run ``apply`` in a transaction that bumps the partnership's version,
        retrying from a fresh read when another writer committed first, for as
        long as the store waits for a lock (``$LIFECYCLE_DB_WAIT``)."""
        began = time.monotonic()
        attempt = 0
        while True:
            try:
                with self.store.transaction(write=True) as session:
                    partnership = self.find(session, name)
                    loaded = load_workflow(partnership.workflow_path)
                    if loaded.hash != partnership.workflow_hash and not rebasing:
                        raise WorkflowChanged(
                            f"the workflow file {partnership.workflow_path} changed since partnership "
                            f"{name!r} started: run `lifecycle partnership rebase {name}` first"
                        )
                    work = Work(session, partnership, loaded, machines_for(loaded.workflow, loaded.hash))
                    result = apply(work)
                    append_audit(session, work.audit)
                    flag_modified(partnership, "phase")
                return result
            except StaleDataError:
                attempt += 1
                if time.monotonic() - began >= self.store.wait:
                    break
                time.sleep(random.uniform(0, min(_LONGEST_PAUSE, _FIRST_PAUSE * 2 ** min(attempt, 16))))
            except Refused as refusal:
                self._log_refusal(name, refusal)
                raise refusal.error from None
        raise TrackingError(
            f"partnership {name!r} is too busy: other writers changed it first {attempt} times in "
            f"{self.store.wait:g} s (set LIFECYCLE_DB_WAIT=SECONDS to wait longer); nothing was written"
        )

    def _log_refusal(self, name: str, refusal: Refused) -> None:
        with self.store.transaction(write=True) as session:
            partnership = self.find(session, name)
            entry = audit_entry(
                partnership.id,
                refusal.actor or SYSTEM_ACTOR,
                refusal.action,
                refusal.subject,
                refusal.before,
                None,
                refusal.detail,
                outcome="refused",
            )
            append_audit(session, [entry])
