"""Who may write what, written into PostgreSQL for its row-level security.

Migration 0005's policies read two tables: ``person_powers`` (each person and
every role they hold or back up, ``*`` for a person who may act for anyone)
and ``task_roles`` (each task's owner and responsible roles). They are
rewritten from the workflow, with the same rules the tracker uses
(:func:`lifecycle.roles.carriers`), whenever a partnership starts or is
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
    task_roles = {
        (tid, rid) for tid, task in workflow.tasks().items() for rid in (*task.owner, *task.responsible)
    }
    pid = {"pid": partnership_id}
    connection.execute(text("DELETE FROM person_powers WHERE partnership_id = :pid"), pid)
    connection.execute(text("DELETE FROM task_roles WHERE partnership_id = :pid"), pid)
    if powers:
        connection.execute(
            text("INSERT INTO person_powers (partnership_id, person, role) VALUES (:pid, :person, :role)"),
            [{**pid, "person": person, "role": rid} for person, rid in sorted(powers)],
        )
    if task_roles:
        connection.execute(
            text("INSERT INTO task_roles (partnership_id, task_id, role) VALUES (:pid, :task, :role)"),
            [{**pid, "task": tid, "role": rid} for tid, rid in sorted(task_roles)],
        )
