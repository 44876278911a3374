"""Is the audit trail intact? The guards in the database and every partnership's chain.

:func:`verify_trail` is what ``lifecycle audit verify`` runs: it reads the
database's append-only triggers and walks each partnership's hash chain
(:mod:`lifecycle.store.audit_chain`), oldest entry first, naming the first
broken link; evidence rows, which the chain covers by reference, must still
match (:func:`lifecycle.tracking.evidence.evidence_problem`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lifecycle.store.audit_chain import ChainReport, verify_entries
from lifecycle.store.guards import missing_guards
from lifecycle.tracking import queries
from lifecycle.tracking.errors import UnknownName
from lifecycle.tracking.evidence import evidence_problem
from lifecycle.tracking.reads import Reads

__all__ = ["TrailReport", "verify_trail"]


@dataclass(frozen=True)
class TrailReport:
    """The guards that are missing, and each verified partnership's chain, by name."""

    missing_guards: set[str]
    chains: dict[str, ChainReport] = field(default_factory=dict)

    @property
    def intact(self) -> bool:
        """True when every guard is in place and every chain holds."""
        return not self.missing_guards and all(chain.intact for chain in self.chains.values())


def verify_trail(reads: Reads, name: str | None = None, *, expected_head: str | None = None) -> TrailReport:
    """Verify the audit trail of partnership ``name``, or of every partnership.

    Parameters
    ----------
    reads
        An open database: a :class:`~lifecycle.tracking.Tracker`, or a
        read-only :func:`~lifecycle.tracking.reads.open_reader`.
    name
        One partnership; all of them when None.
    expected_head
        With ``name``: a head recorded earlier, which the chain must still pass through.

    Raises
    ------
    UnknownName
        When ``name`` is not a tracked partnership.
    """
    with reads.reading() as db:
        guards = missing_guards(db)
        partnerships = queries.partnerships(db)
        if name is not None:
            known = [p.name for p in partnerships]
            partnerships = [p for p in partnerships if p.name == name]
            if not partnerships:
                raise UnknownName("partnership", name, known)
        chains = {}
        for partnership in partnerships:
            entries = queries.audit_trail(db, partnership)
            chain = verify_entries(entries, expected_head if name is not None else None)
            problem = chain.problem or evidence_problem(db, partnership.id, entries)
            chains[partnership.name] = ChainReport(chain.entries, chain.head, problem)
    return TrailReport(guards, chains)
