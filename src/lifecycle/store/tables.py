"""The tracking tables, as SQLAlchemy 2.0 typed ORM classes.

No member names or other protected health information live here: a member's
journey is keyed by an opaque key the partners already share (a referral or
case number). Every change also lands in :class:`AuditEntry`, which is
append-only: the ORM refuses to update or delete it, the database has triggers
that refuse as well, and each entry is sealed into a hash chain
(:mod:`lifecycle.store.audit_chain`) as it is written.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Mapper,
    mapped_column,
    relationship,
)

from lifecycle.diagnostics import LifecycleError
from lifecycle.store.audit_chain import GENESIS, entry_hash
from lifecycle.store.guards import missing_guards
from lifecycle.store.reading import Database
from lifecycle.store.records import utcnow

__all__ = [
    "AuditEntry",
    "Base",
    "BrokenChain",
    "Escalation",
    "EvidenceRecord",
    "JourneyInstance",
    "Partnership",
    "Signoff",
    "TaskStatus",
    "seal_rows",
    "utcnow",
]


class Base(DeclarativeBase):
    """Base of the tracking tables."""


class Partnership(Base):
    """A partnership tracked through the phases of its workflow."""

    __tablename__ = "partnerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    workflow_id: Mapped[str] = mapped_column(String(80))
    workflow_path: Mapped[str] = mapped_column(Text)
    workflow_hash: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the workflow file's bytes when the partnership started (or was rebased)."""
    parties: Mapped[list[str]] = mapped_column(JSON)
    contract_start: Mapped[dt.date] = mapped_column(Date)
    contract_end: Mapped[dt.date] = mapped_column(Date)
    phase: Mapped[str] = mapped_column(String(80))
    started_phase: Mapped[str | None] = mapped_column(String(80))
    """The phase tracking began at: the gates before it are not tracked."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    """Bumped by every change to the partnership or anything it owns, so two
    writers working from the same version cannot both commit."""

    tasks: Mapped[list[TaskStatus]] = relationship(back_populates="partnership", cascade="all")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it once


class TaskStatus(Base):
    """The state of one workflow task in one partnership."""

    __tablename__ = "task_status"
    __table_args__ = (UniqueConstraint("partnership_id", "task_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(20), default="todo")
    note: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[str | None] = mapped_column(String(80))
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    partnership: Mapped[Partnership] = relationship(back_populates="tasks")


class EvidenceRecord(Base):
    """Evidence that an artifact exists (a link or a description)."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    artifact_id: Mapped[str] = mapped_column(String(80))
    evidence: Mapped[str] = mapped_column(Text)
    task_id: Mapped[str | None] = mapped_column(String(80))
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Signoff(Base):
    """A gate sign-off: who signed, holding which role, when, with what evidence."""

    __tablename__ = "signoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    gate_id: Mapped[str] = mapped_column(String(80))
    role_id: Mapped[str] = mapped_column(String(80))
    person_id: Mapped[str] = mapped_column(String(80))
    evidence: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ready_for: Mapped[list[str] | None] = mapped_column(JSON)
    """The criteria (ids) whose tasks and artifacts were all in place when this
    sign-off was given: it counts for those only. None for sign-offs recorded
    before lifecycle kept this, which count as they always did."""
    through_role: Mapped[str | None] = mapped_column(String(80))
    """The backup role the signer holds, when they signed as a backup."""


class JourneyInstance(Base):
    """One member's way through a journey, keyed by an opaque member key."""

    __tablename__ = "journey_instances"
    __table_args__ = (
        UniqueConstraint(
            "partnership_id", "journey_id", "member_key", "episode", name="uq_journey_instances_episode"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    journey_id: Mapped[str] = mapped_column(String(80))
    member_key: Mapped[str] = mapped_column(String(64))
    episode: Mapped[int] = mapped_column(Integer, default=1)
    """1 for a member's first referral into the journey, 2 for the next one after
    an exit, and so on."""
    step: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Escalation(Base):
    """An issue raised along an escalation path."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    path_id: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(200))
    """What is escalated, as an opaque reference (a ticket number), never PHI."""
    state: Mapped[str] = mapped_column(String(20))
    opened_by: Mapped[str] = mapped_column(String(80))
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    level_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    """When the escalation reached its current level: its response time runs from here."""


class AuditEntry(Base):
    """One change, or one refused attempt: who, when, what, from, to."""

    __tablename__ = "audit_log"
    # Two entries may never claim the same predecessor: the chain cannot fork.
    __table_args__ = (Index("uq_audit_log_link", "partnership_id", "prev_hash", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    from_state: Mapped[str | None] = mapped_column(String(80))
    to_state: Mapped[str | None] = mapped_column(String(80))
    outcome: Mapped[str] = mapped_column(String(20), default="ok")
    detail: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    """The hash of the partnership's previous entry ("" for its first)."""
    hash: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of this entry's content and ``prev_hash``."""


class BrokenChain(LifecycleError):
    """The newest audit entry does not match its seal: nothing more is written after it."""


def seal_rows(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Link each audit row (the columns of an :class:`AuditEntry`, in the order
    they are to be written) to the one before it in its partnership's chain,
    and seal it: set ``prev_hash`` and ``hash``.

    Raises
    ------
    BrokenChain
        When the database's guards are gone, or a partnership's newest stored
        entry does not match its seal: nothing more is written.
    """
    if not rows:
        return
    _check_guards(connection)
    heads: dict[int, str] = {}
    for row in rows:
        pid = row["partnership_id"]
        prev = heads.get(pid)
        if prev is None:
            if connection.dialect.name == "postgresql":
                # Held to the end of the transaction: the next writer of this
                # partnership's trail reads the head only after this one commits.
                connection.execute(select(func.pg_advisory_xact_lock(_LOCK_SPACE, pid)))
            prev = _stored_head(connection, pid)
        row["prev_hash"] = prev
        row["hash"] = heads[pid] = entry_hash(SimpleNamespace(**row), prev)


def _check_guards(connection: Connection) -> None:
    missing = missing_guards(Database(connection.connection.dbapi_connection, connection.dialect.name))
    if missing:
        raise BrokenChain(
            f"the audit log's guards are gone ({', '.join(sorted(missing))}): nothing more is written "
            "(run `lifecycle audit verify`, then restore the database from a backup)"
        )


_LOCK_SPACE = 0x1C0A
"""The first key of lifecycle's PostgreSQL advisory locks (the second is the partnership)."""


def _stored_head(connection: Connection, partnership_id: int) -> str:
    """The hash of the partnership's newest stored entry, after checking its seal."""
    newest = connection.execute(
        select(AuditEntry.__table__)
        .where(AuditEntry.partnership_id == partnership_id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    if newest is None:
        return GENESIS
    if newest.hash is None or newest.prev_hash is None or newest.hash != entry_hash(newest, newest.prev_hash):
        raise BrokenChain(
            f"audit entry {newest.id} does not match its seal: nothing more is written "
            "(run `lifecycle audit verify`, then restore the database from a backup)"
        )
    return str(newest.hash)


def _append_only(mapper: Mapper[Any], connection: Any, target: AuditEntry) -> None:
    raise PermissionError("the audit log is append-only")


event.listen(AuditEntry, "before_update", _append_only)
event.listen(AuditEntry, "before_delete", _append_only)
