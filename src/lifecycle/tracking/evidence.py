"""Evidence for artifacts, recorded once.

The evidence row (:class:`~lifecycle.store.tables.EvidenceRecord`) is the
record: it holds the text. The audit entry that logs it holds a reference
instead of a copy, ``evidence #ID sha256:DIGEST``, where the digest covers the
row's artifact, task, recorder and text. The entry is sealed into the audit
chain, so the chain still vouches for the text: ``lifecycle audit verify``
recomputes each referenced row's digest (:func:`evidence_problem`), and a
changed or deleted row breaks the trail as a changed entry would.

Entries written before evidence was recorded once carry the text itself and
no reference; they are verified by the chain alone, as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Protocol

from lifecycle.store.audit_chain import content_hash
from lifecycle.store.reading import Database

__all__ = [
    "EVIDENCE_ACTION",
    "evidence_digest",
    "evidence_problem",
    "shown_detail",
]

EVIDENCE_ACTION = "artifact.evidence"
"""The audit action of recorded evidence."""

_REFERENCE = re.compile(r"evidence #(\d+) sha256:([0-9a-f]{64})$")


class _Referring(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def action(self) -> str: ...
    @property
    def detail(self) -> str | None: ...


def evidence_digest(artifact: str, task: str | None, recorded_by: str, text: str) -> str:
    """The SHA-256 that an audit entry holds for an evidence row's content."""
    return content_hash([1, artifact, task, recorded_by, text])


def _reference(entry: _Referring) -> tuple[int, str] | None:
    if entry.action != EVIDENCE_ACTION or not entry.detail:
        return None
    found = _REFERENCE.search(entry.detail)
    return (int(found.group(1)), found.group(2)) if found else None


def evidence_problem(db: Database, partnership_id: int, entries: Iterable[_Referring]) -> str | None:
    """The first audit entry whose evidence row is gone or no longer matches
    its digest, in words; None when every referenced row is as recorded."""
    rows = {
        int(row[0]): row[1:]
        for row in db.rows(
            "SELECT id, artifact_id, task_id, recorded_by, evidence FROM evidence "
            "WHERE partnership_id = :pid",
            pid=partnership_id,
        )
    }
    for entry in entries:
        reference = _reference(entry)
        if reference is None:
            continue
        row_id, digest = reference
        row = rows.get(row_id)
        if row is None:
            return f"evidence #{row_id} of entry {entry.id} was deleted"
        if evidence_digest(*row) != digest:
            return f"evidence #{row_id} of entry {entry.id} was changed after it was recorded"
    return None


def shown_detail(entry: _Referring, texts: Mapping[int, str]) -> str:
    """An entry's detail as people read it: an evidence reference becomes the
    evidence's text (``evidence #ID: TEXT``)."""
    detail = entry.detail or ""
    reference = _reference(entry)
    if reference is None or reference[0] not in texts:
        return detail
    row_id = reference[0]
    found = _REFERENCE.search(detail)
    assert found is not None
    return f"{detail[: found.start()]}evidence #{row_id}: {texts[row_id]}"
