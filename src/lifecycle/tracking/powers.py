"""Who may write what, written into PostgreSQL for its row-level security.

The policies of migrations 0005 and 0006 read facts of the workflow:
``person_powers`` (each person and every role they hold or back up, ``*`` for
a person who may act for anyone), ``task_roles`` (each task's owner and
responsible roles), ``task_products`` (the artifacts each task produces),
``journey_steps`` (each step's owner, whether members start there, and the
steps it leads to) and ``escalation_levels`` (the role at each level of a
path). They are rewritten from the workflow, with the same rules the tracker
uses (:func:`lifecycle.roles.carriers`), whenever a partnership starts or is
rebased. SQLite has no row security: nothing is written there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from lifecycle.model import Workflow

__all__ = ["ANYONE", "write_powers"]

ANYONE = "*"
"""The role of a ``person_powers`` row for a person who may act for anyone."""


def write_powers(session: Session, partnership_id: int, workflow: Workflow) -> None:
    """Replace partnership ``partnership_id``'s powers with those ``workflow`` gives."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return
    # Imported here: reading a partnership's log must not load the workflow model.
    from lifecycle.roles import carriers

    # A task may name a person directly instead of a role: that person carries it.
    powers = {(person, person) for person in workflow.people}
    powers |= {(person, rid) for rid in workflow.roles for person in carriers(workflow, rid)}
    powers |= {
        (person, ANYONE)
        for rid, role in workflow.roles.items()
        if role.acts_for_anyone
        for person in carriers(workflow, rid)
    }
    tasks = workflow.tasks().items()
    facts: dict[str, list[dict[str, object]]] = {
        "person_powers": [{"person": person, "role": rid} for person, rid in sorted(powers)],
        "task_roles": [
            {"task_id": tid, "role": rid}
            for tid, task in tasks
            for rid in dict.fromkeys((*task.owner, *task.responsible))
        ],
        "task_products": [
            {"task_id": tid, "artifact": artifact}
            for tid, task in tasks
            for artifact in dict.fromkeys(task.produces)
        ],
        "journey_steps": [
            {
                "journey_id": jid,
                "step": sid,
                "owner": step.owner,
                "first": sid == journey.start,
                "next": step.next,
            }
            for jid, journey in workflow.journeys.items()
            for sid, step in journey.steps.items()
        ],
        "escalation_levels": [
            {"path_id": path_id, "level": level, "role": rid}
            for path_id, path in workflow.escalations.items()
            for level, rid in enumerate(path.levels, start=1)
        ],
    }
    for table, rows in facts.items():
        pid = {"pid": partnership_id}
        connection.execute(text(f"DELETE FROM {table} WHERE partnership_id = :pid"), pid)
        if rows:
            columns = ", ".join(rows[0])
            values = ", ".join(f":{column}" for column in rows[0])
            connection.execute(
                text(f"INSERT INTO {table} (partnership_id, {columns}) VALUES (:pid, {values})"),
                [{**pid, **row} for row in rows],
            )
