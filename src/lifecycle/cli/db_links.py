"""``lifecycle db link|unlink|links``: which database login is which person (PostgreSQL)."""

from __future__ import annotations

import click

from lifecycle.cli.track_options import db_option, workflow_option

_PARTNERSHIP = click.option(
    "--partnership", metavar="NAME", help="Only in this partnership [default: in every partnership]."
)


@click.command("link")
@click.argument("person")
@click.argument("login")
@_PARTNERSHIP
@db_option
@workflow_option
def db_link(person: str, login: str, partnership: str | None, db: str | None, workflow: str | None) -> None:
    """Link database LOGIN to PERSON of the workflow (run by the database owner)."""
    from lifecycle.cli.terminal import shown
    from lifecycle.store import database_url
    from lifecycle.store.identity import link

    made = link(database_url(db, workflow=workflow), person, login, partnership)
    where = f"in partnership {made.partnership}" if made.partnership else "in every partnership"
    click.echo(shown(f"login {made.login} acts as {made.person} {where}"))


@click.command("unlink")
@click.argument("login")
@_PARTNERSHIP
@db_option
@workflow_option
def db_unlink(login: str, partnership: str | None, db: str | None, workflow: str | None) -> None:
    """Remove LOGIN's link to a person."""
    from lifecycle.cli.terminal import shown
    from lifecycle.store import database_url
    from lifecycle.store.identity import unlink

    unlink(database_url(db, workflow=workflow), login, partnership)
    click.echo(shown(f"login {login} unlinked"))


@click.command("links")
@db_option
@workflow_option
def db_links(db: str | None, workflow: str | None) -> None:
    """List which database login acts as which person."""
    from lifecycle.cli.terminal import shown
    from lifecycle.store import database_url
    from lifecycle.store.identity import links

    found = links(database_url(db, workflow=workflow))
    if not found:
        click.echo("no login is linked to a person")
    for item in found:
        click.echo(shown(f"{item.login}  {item.person}  {item.partnership or '(every partnership)'}"))
