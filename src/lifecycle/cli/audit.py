"""``lifecycle audit``: verify the tamper-evident audit trail, print its heads."""

from __future__ import annotations

import click

from lifecycle.cli.track_options import db_option, open_reads, workflow_option


@click.group()
def audit() -> None:
    """Verify the audit trail's hash chain, or print its head for the minutes."""


@audit.command()
@click.argument("name", required=False)
@click.option(
    "--head",
    "expected_head",
    metavar="HASH",
    help="A head recorded earlier (e.g. in a JOC's minutes): the trail must still pass through it.",
)
@db_option
@workflow_option
def verify(name: str | None, expected_head: str | None, db: str | None, workflow: str | None) -> None:
    """Check that no audit entry was changed, removed or slipped in.

    Checks the database's append-only guards and walks each partnership's chain
    (or NAME's), oldest entry first. Exits 0 when all is intact, 1 naming the
    first broken link.
    """
    from lifecycle.tracking.integrity import verify_trail

    if expected_head is not None and name is None:
        raise click.UsageError("--head checks one partnership's trail: name it")
    report = verify_trail(open_reads(db, workflow), name, expected_head=expected_head)
    if report.missing_guards:
        guards = ", ".join(sorted(report.missing_guards))
        click.echo(f"the database's append-only guards are missing or disabled: {guards}", err=True)
    for pname, chain in report.chains.items():
        if chain.intact:
            click.echo(f"{pname}: intact, {chain.entries} entries, head {chain.head}")
        else:
            click.echo(f"{pname}: BROKEN: {chain.problem}", err=True)
    if not report.intact:
        raise click.exceptions.Exit(1)


@audit.command()
@click.argument("name")
@db_option
@workflow_option
def head(name: str, db: str | None, workflow: str | None) -> None:
    """Print the head of NAME's audit trail, to record in a meeting's minutes.

    A later `lifecycle audit verify NAME --head HASH` shows whether the trail
    still passes through it, so a cut-off or rewritten tail shows too.
    """
    from lifecycle.tracking.integrity import verify_trail

    chain = verify_trail(open_reads(db, workflow), name).chains[name]
    if not chain.intact:
        click.echo(f"{name}: BROKEN: {chain.problem}", err=True)
        raise click.exceptions.Exit(1)
    click.echo(chain.head)
