"""Options the tracking commands share, and opening the tracker they name."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from lifecycle.tracking import Tracker
    from lifecycle.tracking.reads import Reads

F = TypeVar("F", bound=Callable[..., Any])


def db_option(function: F) -> F:
    """``--db URL`` (or a SQLite file path); ``$LIFECYCLE_DB`` when left out."""
    return click.option(
        "--db",
        metavar="URL",
        help="Database URL or SQLite file [default: $LIFECYCLE_DB, else lifecycle.db "
        "beside --workflow or in the current folder].",
    )(function)


def workflow_option(function: F) -> F:
    """``--workflow FILE``: where the default database lives."""
    return click.option(
        "--workflow", metavar="FILE", help="A workflow file; the default database is lifecycle.db beside it."
    )(function)


def actor_option(function: F) -> F:
    """``--as PERSON``: the person making the change (a person id of the workflow).

    Required on SQLite; on PostgreSQL it may be left out, and the person is the
    login's linked one (see :func:`lifecycle.store.identity.acting_person`). The
    command receives the settled person as ``actor``.
    """

    @functools.wraps(function)
    def settled(*args: Any, **kwargs: Any) -> Any:
        from lifecycle.store import database_url
        from lifecycle.store.identity import acting_person

        url = database_url(kwargs.get("db"), workflow=kwargs.get("workflow"))
        kwargs["actor"] = acting_person(url, kwargs["actor"], kwargs.get("name"))
        return function(*args, **kwargs)

    return click.option(
        "--as",
        "actor",
        metavar="PERSON",
        help="Who makes the change (required on SQLite; on PostgreSQL, the login's linked person).",
    )(settled)  # type: ignore[return-value]


def warn_if_personal(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A click callback for free text that goes into the audit log, which can never
    be edited: warn, before anything is written, when it looks like a person's name
    or an identifier (see :func:`lifecycle.privacy.personal_data_hints`)."""
    from lifecycle.cli.terminal import shown
    from lifecycle.privacy import personal_data_hints

    hints = personal_data_hints(value) if value else []
    if hints:
        what = ", ".join(shown(hint) for hint in hints)
        click.echo(
            f"lifecycle: warning: {param.name} seems to hold {what}; the audit log keeps it for good "
            "(use opaque references, never member details)",
            err=True,
        )
    return value


def reason_option(function: F) -> F:
    """``--reason TEXT``: why a person acts for someone else (kept in the audit log)."""
    return click.option(
        "--reason",
        callback=warn_if_personal,
        help="Why you act for someone else: needed when you hold none of the roles "
        "that may, but one that may act for anyone.",
    )(function)


def at_option(function: F) -> F:
    """``--at WHEN``: show the state as of a moment (UTC), e.g. the next meeting."""
    return click.option(
        "--at",
        type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]),
        callback=lambda _ctx, _param, value: value.replace(tzinfo=dt.UTC) if value else None,
        metavar="WHEN",
        help="Judge due and overdue as of this date or time (UTC) [default: now], e.g. the next meeting.",
    )(function)


def open_tracker(db: str | None, workflow: str | None = None, *, create: bool = False) -> Tracker:
    """Open the tracker the options name (see :meth:`Tracker.open`), closed
    when the command ends."""
    from lifecycle.tracking import Tracker

    return _closed_at_end(Tracker.open(db, workflow=workflow, create=create))


def open_reads(db: str | None, workflow: str | None = None) -> Reads:
    """Open the database the options name for reading only, without SQLAlchemy
    where it can be (see :func:`lifecycle.tracking.reads.open_reader`), closed
    when the command ends."""
    from lifecycle.tracking.reads import open_reader

    return _closed_at_end(open_reader(db, workflow=workflow))


R = TypeVar("R", bound="Reads")


def _closed_at_end(reads: R) -> R:
    # Left open, a PostgreSQL connection is dropped at exit without a goodbye (the
    # server logs an unexpected EOF), and one run in a longer-lived process (the
    # tests, a script calling main()) stays open until collected.
    click.get_current_context().call_on_close(reads.close)
    return reads
