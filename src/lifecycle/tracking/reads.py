"""What the tracker answers without changing anything: the partnerships, a
partnership's progress, gates, escalations, journeys, audit trail.

:class:`Reads` asks each question (:mod:`lifecycle.tracking.queries`) in one
read transaction of whatever connection its subclass gives: the
:class:`~lifecycle.tracking.Tracker` reads through its SQLAlchemy store, and
:class:`Reader` through the driver alone (:mod:`lifecycle.store.reading`), so
the commands that only read never import SQLAlchemy. :func:`open_reader` picks
the reader, or the tracker on a read-only store when the database needs the
full opening checks.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Self, TypeVar

from lifecycle.store import database_url
from lifecycle.store.reading import Database, NotPlain, Reading, open_reading
from lifecycle.store.records import AuditRecord, EscalationRecord, JourneyRecord, PartnershipRecord, utcnow
from lifecycle.tracking import queries
from lifecycle.tracking.escalation_lines import EscalationLine, escalation_lines
from lifecycle.tracking.gates import GateReport, Progress, evaluate_gate
from lifecycle.tracking.workflows import LoadedWorkflow, file_hash, load_workflow

__all__ = ["Reader", "Reads", "open_reader"]

T = TypeVar("T")


class Reads(ABC):
    """The tracker's read-only questions, each in one read transaction.

    :meth:`close` releases the database connections; used in a ``with`` block,
    it is called when the block ends.
    """

    @property
    @abstractmethod
    def url(self) -> str:
        """The database as shown to users (no password)."""

    @abstractmethod
    def reading(self) -> AbstractContextManager[Database]:
        """One read transaction on the database."""

    @abstractmethod
    def close(self) -> None:
        """Release the database connection(s)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def read(self, name: str, view: Callable[[Database, PartnershipRecord], T]) -> T:
        """Run ``view`` on partnership ``name`` in one read transaction.

        Raises
        ------
        UnknownName
            When there is no such partnership (the known ones are listed).
        """
        with self.reading() as db:
            return view(db, queries.find_partnership(db, name, f" in {self.url}"))

    def partnerships(self) -> list[PartnershipRecord]:
        """Every tracked partnership, by name."""
        with self.reading() as db:
            return queries.partnerships(db)

    def partnership(self, name: str) -> PartnershipRecord:
        """The partnership called ``name``."""
        return self.read(name, lambda db, partnership: partnership)

    def workflow_of(self, partnership: PartnershipRecord) -> LoadedWorkflow:
        """The partnership's workflow as its file reads now (see :meth:`changed`)."""
        return load_workflow(partnership.workflow_path)

    def changed(self, partnership: PartnershipRecord) -> bool:
        """True when the workflow file changed since the partnership started."""
        return file_hash(partnership.workflow_path) != partnership.workflow_hash

    def progress(self, name: str) -> tuple[PartnershipRecord, Progress]:
        """The partnership and its progress: task states, evidence, sign-offs."""
        return self.read(name, lambda db, partnership: (partnership, queries.progress(db, partnership)))

    def check_gate(self, name: str, phase: str | None = None) -> GateReport:
        """The exit gate of ``phase`` (the current phase by default), criterion by criterion."""

        def view(db: Database, partnership: PartnershipRecord) -> GateReport:
            workflow = self.workflow_of(partnership).workflow
            gate = queries.gate_phase(workflow, partnership, phase)
            return evaluate_gate(workflow, gate, queries.progress(db, partnership))

        return self.read(name, view)

    def escalations(self, name: str) -> list[EscalationRecord]:
        """The partnership's escalations, open and resolved."""
        return self.read(name, queries.escalations)

    def escalation_lines(self, name: str, now: dt.datetime | None = None) -> list[EscalationLine]:
        """The partnership's escalations with their level, who has them, when
        the level must respond, whether it is overdue (as of ``now``, by default
        the current time) and who is next."""

        def view(db: Database, partnership: PartnershipRecord) -> list[EscalationLine]:
            workflow = self.workflow_of(partnership).workflow
            return escalation_lines(workflow, queries.escalations(db, partnership), now or utcnow())

        return self.read(name, view)

    def journeys(self, name: str) -> list[JourneyRecord]:
        """The partnership's member journeys, every episode."""
        return self.read(name, queries.journeys)

    def audit(
        self,
        name: str,
        *,
        actor: str | None = None,
        action: str | None = None,
        subject: str | None = None,
        since: dt.datetime | None = None,
    ) -> list[AuditRecord]:
        """The partnership's audit trail, oldest first, filtered by actor, action
        (a prefix such as ``task`` or ``task.done``), subject and time."""
        return self.read(
            name,
            lambda db, partnership: queries.audit_trail(
                db, partnership, actor=actor, action=action, subject=subject, since=since
            ),
        )

    def evidence_texts(self, name: str) -> dict[int, str]:
        """The partnership's evidence texts by row id: what the audit trail's
        evidence entries refer to (see :mod:`lifecycle.tracking.evidence`)."""
        return self.read(name, queries.evidence_texts)


class Reader(Reads):
    """The tracker's reads through the database driver alone (no SQLAlchemy)."""

    def __init__(self, connection: Reading) -> None:
        self.connection = connection

    @property
    def url(self) -> str:
        """The database as shown to users (no password)."""
        return self.connection.url

    def reading(self) -> AbstractContextManager[Database]:
        """One read-only transaction."""
        return self.connection.transaction()

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


def open_reader(db: str | None = None, *, workflow: str | None = None) -> Reads:
    """Open the database ``db`` (a URL or file), else ``$LIFECYCLE_DB``, else
    ``lifecycle.db`` beside ``workflow`` (or in the current folder), so that
    nothing can be written: through the driver alone when it is a lifecycle
    database at the newest schema, else through a read-only
    :func:`~lifecycle.store.open_store`, whose checks say what is wrong.

    Raises
    ------
    DatabaseError
        When the database is missing, unreachable, empty, not a lifecycle
        database, or at another schema.
    """
    url = database_url(db, workflow=workflow)
    try:
        return Reader(open_reading(url))
    except NotPlain:
        from lifecycle.store import open_store
        from lifecycle.tracking.service import Tracker

        return Tracker(open_store(url, readonly=True))
