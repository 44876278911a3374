"""Carry tracked state across renames in a workflow file (``rebase --rename``).

A rename ``OLD=NEW`` moves everything tracked under ``OLD`` to ``NEW`` for each
kind of thing ``NEW`` names in the new workflow: a task (its state and the
evidence it recorded), a gate (its phase: sign-offs, the current phase, the
phase tracking began at), an artifact (its evidence) or a journey step (the
members at it). The audit log keeps the history under the old name; a rename
entry links the two.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlalchemy.orm import Session

from lifecycle.store.tables import EvidenceRecord, JourneyInstance, Partnership, Signoff, TaskStatus
from lifecycle.tracking.errors import TrackingError

if TYPE_CHECKING:
    from lifecycle.model import Workflow

__all__ = ["Rename", "apply_renames", "parse_renames"]


@dataclass(frozen=True)
class Rename:
    """One thing renamed: its kind (task, gate, artifact, step), old and new id."""

    kind: str
    old: str
    new: str


def parse_renames(pairs: Sequence[str]) -> dict[str, str]:
    """Read ``OLD=NEW`` texts into a mapping.

    Raises
    ------
    TrackingError
        For a text without ``=``, an empty side, or an old id given twice.
    """
    renames: dict[str, str] = {}
    for pair in pairs:
        old, sep, new = (part.strip() for part in pair.partition("="))
        if not sep or not old or not new:
            raise TrackingError(f"--rename {pair!r}: write OLD=NEW")
        if old in renames:
            raise TrackingError(f"--rename: {old!r} is renamed twice")
        renames[old] = new
    return renames


def apply_renames(
    session: Session, partnership: Partnership, workflow: Workflow, renames: Mapping[str, str]
) -> list[Rename]:
    """Move the tracked state of each renamed id of ``partnership`` to its new id.

    Raises
    ------
    TrackingError
        When a new id names nothing in ``workflow``, or an old id is still in it.
    """
    kinds = {
        "task": set(workflow.tasks()),
        "gate": set(workflow.phases),
        "artifact": set(workflow.artifacts),
        "step": {sid for j in workflow.journeys.values() for sid in (*j.steps, *j.exits)},
    }
    done: list[Rename] = []
    for old, new in renames.items():
        matched = [kind for kind, ids in kinds.items() if new in ids]
        if not matched:
            raise TrackingError(f"--rename {old}={new}: {new!r} is no task, phase, artifact or journey step")
        still = next((kind for kind, ids in kinds.items() if old in ids), None)
        if still is not None:
            raise TrackingError(f"--rename {old}={new}: {old!r} is still in the workflow (as {still})")
        for kind in matched:
            _MOVERS[kind](session, partnership, old, new)
            done.append(Rename(kind, old, new))
    return done


def _task(session: Session, partnership: Partnership, old: str, new: str) -> None:
    pid = partnership.id
    session.execute(
        update(TaskStatus)
        .where(TaskStatus.partnership_id == pid, TaskStatus.task_id == old)
        .values(task_id=new)
    )
    session.execute(
        update(EvidenceRecord)
        .where(EvidenceRecord.partnership_id == pid, EvidenceRecord.task_id == old)
        .values(task_id=new)
    )


def _gate(session: Session, partnership: Partnership, old: str, new: str) -> None:
    session.execute(
        update(Signoff)
        .where(Signoff.partnership_id == partnership.id, Signoff.gate_id == old)
        .values(gate_id=new)
    )
    if partnership.phase == old:
        partnership.phase = new
    if partnership.started_phase == old:
        partnership.started_phase = new


def _artifact(session: Session, partnership: Partnership, old: str, new: str) -> None:
    session.execute(
        update(EvidenceRecord)
        .where(EvidenceRecord.partnership_id == partnership.id, EvidenceRecord.artifact_id == old)
        .values(artifact_id=new)
    )


def _step(session: Session, partnership: Partnership, old: str, new: str) -> None:
    session.execute(
        update(JourneyInstance)
        .where(JourneyInstance.partnership_id == partnership.id, JourneyInstance.step == old)
        .values(step=new)
    )


_MOVERS = {"task": _task, "gate": _gate, "artifact": _artifact, "step": _step}
