"""Is the audit trail intact? The guards in the database and every partnership's chain.

:func:`verify_trail` is what ``lifecycle audit verify`` runs: it reads the
database's append-only triggers and walks each partnership's hash chain
(:mod:`lifecycle.store.audit_chain`), oldest entry first, naming the first
broken link; evidence rows, which the chain covers by reference, must still
match (:func:`lifecycle.tracking.evidence.evidence_problem`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from lifecycle.store import Store
from lifecycle.store.audit_chain import ChainReport, verify_entries
from lifecycle.store.tables import AuditEntry, Partnership, missing_guards
from lifecycle.tracking.errors import UnknownName
from lifecycle.tracking.evidence import evidence_problem

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


def verify_trail(store: Store, name: str | None = None, *, expected_head: str | None = None) -> TrailReport:
    """Verify the audit trail of partnership ``name``, or of every partnership.

    Parameters
    ----------
    store
        An open database.
    name
        One partnership; all of them when None.
    expected_head
        With ``name``: a head recorded earlier, which the chain must still pass through.

    Raises
    ------
    UnknownName
        When ``name`` is not a tracked partnership.
    """
    with store.transaction() as session:
        guards = missing_guards(session.connection())
        query = select(Partnership.id, Partnership.name).order_by(Partnership.name)
        partnerships = list(session.execute(query))
        if name is not None:
            partnerships = [p for p in partnerships if p.name == name]
            if not partnerships:
                known = [str(n) for (n,) in session.execute(select(Partnership.name))]
                raise UnknownName("partnership", name, known)
        chains = {}
        for pid, pname in partnerships:
            entries = list(
                session.scalars(
                    select(AuditEntry).where(AuditEntry.partnership_id == pid).order_by(AuditEntry.id)
                )
            )
            chain = verify_entries(entries, expected_head if name is not None else None)
            problem = chain.problem or evidence_problem(session, pid, entries)
            chains[pname] = ChainReport(chain.entries, chain.head, problem)
    return TrailReport(guards, chains)
