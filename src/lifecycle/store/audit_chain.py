"""The audit log as a hash chain: every entry seals the one before it.

Each partnership's audit entries form one chain. An entry's ``hash`` is the
SHA-256 of its canonical content (partnership, time, actor, action, subject,
states, outcome, detail) together with ``prev_hash``, the hash of the entry
before it ("" for the first). Rewriting an entry breaks its own hash; deleting
or slipping in an entry breaks the next entry's link; a unique constraint on
(partnership, prev_hash) makes the database refuse two entries that claim the
same predecessor, so concurrent writers can never fork the chain.

A chain can only prove what came before its newest entry: someone who cuts off
the tail, or who rewrites the whole chain, leaves a consistent chain behind.
That is what the head is for: :func:`verify` reports it, a JOC can write it
into its minutes, and checking later with ``expected_head`` shows whether the
trail still passes through it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["GENESIS", "ChainReport", "Sealed", "content_hash", "entry_hash", "verify_entries"]

GENESIS = ""
"""The ``prev_hash`` of a partnership's first audit entry."""

_FORMAT = 1
"""Bumped if the canonical content ever changes, so old chains still verify."""


class Sealed(Protocol):
    """What the chain reads of an audit entry (an :class:`~lifecycle.store.tables.AuditEntry`
    or an :class:`~lifecycle.store.records.AuditRecord`)."""

    @property
    def id(self) -> int: ...
    @property
    def partnership_id(self) -> int: ...
    @property
    def at(self) -> dt.datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def from_state(self) -> str | None: ...
    @property
    def to_state(self) -> str | None: ...
    @property
    def outcome(self) -> str: ...
    @property
    def detail(self) -> str | None: ...
    @property
    def prev_hash(self) -> str | None: ...
    @property
    def hash(self) -> str | None: ...


def _instant(at: dt.datetime) -> str:
    # SQLite hands back naive UTC, PostgreSQL aware times: one spelling for both.
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def content_hash(content: list[Any]) -> str:
    """The SHA-256 of ``content`` in its one canonical spelling (compact JSON, UTF-8),
    so the same values always give the same hash.

    >>> content_hash([1, "a"]) == content_hash([1, "a"]) != content_hash([1, "b"])
    True
    """
    canonical = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def entry_hash(entry: Sealed, prev_hash: str) -> str:
    """The hash that seals ``entry`` after an entry whose hash is ``prev_hash``."""
    content: list[Any] = [
        _FORMAT,
        entry.partnership_id,
        _instant(entry.at),
        entry.actor,
        entry.action,
        entry.subject,
        entry.from_state,
        entry.to_state,
        entry.outcome,
        entry.detail,
        prev_hash,
    ]
    return content_hash(content)


@dataclass(frozen=True)
class ChainReport:
    """What :func:`verify_entries` found in one partnership's chain."""

    entries: int
    """How many entries were read."""

    head: str
    """The hash of the newest entry ("" for an empty trail)."""

    problem: str | None = None
    """The first broken link, in words; None when the chain is intact."""

    @property
    def intact(self) -> bool:
        """True when every entry is sealed and linked (and the expected head was found)."""
        return self.problem is None


def verify_entries(entries: Iterable[Sealed], expected_head: str | None = None) -> ChainReport:
    """Walk one partnership's entries, oldest first, and report the first broken link.

    Parameters
    ----------
    entries
        The partnership's audit entries in the order they were written (by id).
    expected_head
        A head recorded earlier (for example in a JOC's minutes); the chain
        must pass through it, or its tail was cut off or rewritten.

    Returns
    -------
    ChainReport
        The count, the head and the first problem, if any.
    """
    count = 0
    prev = GENESIS
    seen_expected = expected_head is None or expected_head == GENESIS
    for entry in entries:
        count += 1
        if entry.prev_hash != prev:
            what = "deleted, or another slipped in" if entry.prev_hash else "written without a seal"
            return ChainReport(
                count, prev, f"entry {entry.id} does not follow the entry before it (an entry was {what})"
            )
        if entry.hash != entry_hash(entry, prev):
            return ChainReport(count, prev, f"entry {entry.id} was changed after it was written")
        prev = entry.hash
        seen_expected = seen_expected or prev == expected_head
    if not seen_expected:
        return ChainReport(
            count, prev, f"the trail no longer passes through head {expected_head} (cut off or rewritten)"
        )
    return ChainReport(count, prev)
