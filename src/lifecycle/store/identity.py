"""Who acts: on PostgreSQL the logged-in login's linked person, on SQLite ``--as``.

A SQLite file is a single-user file, so the person given with ``--as`` is
trusted. On PostgreSQL the database owner links people of the workflow to
database logins (:func:`link`, table ``login_links`` of migration 0004), and
:func:`acting_person` finds the person from ``current_user``: ``--as`` must
match it or may be left out. The database owner (or a superuser) with no link
is the administrator, trusted with ``--as`` as on SQLite, since it could
change any row anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

from lifecycle.diagnostics import LifecycleError
from lifecycle.store import Store, open_store

__all__ = ["IdentityError", "Link", "acting_person", "link", "links", "unlink"]


class IdentityError(LifecycleError):
    """Who acts cannot be settled: ``--as`` missing, not matching the login, or
    the login linked to no person."""


@dataclass(frozen=True)
class Link:
    """A database login linked to a person, for every partnership or one."""

    login: str
    person: str
    partnership: str | None
    """None for a link that holds in every partnership."""


def _is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql" if "://" in url else False


def acting_person(url: str, claimed: str | None, partnership: str | None = None) -> str:
    """The person who acts on the database at ``url``.

    Parameters
    ----------
    url
        The database URL.
    claimed
        The person given with ``--as``, or None.
    partnership
        The partnership acted on (its links win over global ones), or None.

    Raises
    ------
    IdentityError
        On SQLite without ``claimed``; on PostgreSQL when ``claimed`` differs
        from the login's linked person, or the login is linked to no person and
        is not the database's owner.
    """
    if not _is_postgres(url):
        if claimed is None:
            raise IdentityError(
                "--as PERSON is required: a SQLite database is a single-user file, so lifecycle "
                "cannot tell who you are"
            )
        return claimed
    store = open_store(url)
    try:
        with store.transaction() as session:
            connection = session.connection()
            login = str(connection.execute(text("SELECT current_user")).scalar())
            person = _linked_person(connection, login, partnership)
            administrator = _is_administrator(connection)
    finally:
        store.close()
    if person is None:
        if not administrator:
            raise IdentityError(
                f"login {login!r} is linked to no person: the database owner links it with "
                f"`lifecycle db link PERSON {login}`"
            )
        if claimed is None:
            raise IdentityError(
                f"--as PERSON is required: login {login!r} owns the database and is linked to no person"
            )
        return claimed
    if claimed is not None and claimed != person:
        raise IdentityError(
            f"--as {claimed} does not match login {login!r}, which is linked to person {person!r}"
        )
    return person


def _linked_person(connection: Connection, login: str, partnership: str | None) -> str | None:
    # A partnership's own link comes first (NULLS LAST), then the global one.
    row = connection.execute(
        text(
            "SELECT l.person FROM login_links l LEFT JOIN partnerships p ON p.id = l.partnership_id "
            "WHERE l.login = :login AND (l.partnership_id IS NULL OR p.name = :partnership) "
            "ORDER BY l.partnership_id NULLS LAST LIMIT 1"
        ),
        {"login": login, "partnership": partnership},
    ).first()
    return None if row is None else str(row[0])


def _is_administrator(connection: Connection) -> bool:
    return bool(
        connection.execute(
            text(
                "SELECT r.rolsuper OR d.datdba = r.oid FROM pg_roles r, pg_database d "
                "WHERE r.rolname = current_user AND d.datname = current_database()"
            )
        ).scalar()
    )


def _postgres_store(url: str) -> Store:
    if not _is_postgres(url):
        raise IdentityError(
            "people are linked to logins only on PostgreSQL: a SQLite file trusts --as PERSON"
        )
    return open_store(url)


def _partnership_id(connection: Connection, partnership: str | None, shown: str) -> int | None:
    if partnership is None:
        return None
    found = connection.execute(
        text("SELECT id FROM partnerships WHERE name = :n"), {"n": partnership}
    ).scalar()
    if found is None:
        raise IdentityError(f"no partnership {partnership!r} in {shown}")
    return int(found)


def link(url: str, person: str, login: str, partnership: str | None = None) -> Link:
    """Link ``login`` to ``person`` (in ``partnership`` only, or everywhere),
    replacing the login's earlier link of that scope.

    Raises
    ------
    IdentityError
        On SQLite, for a login the server does not know, or an unknown partnership.
    lifecycle.store.DatabaseError
        When the login running this may not change the links (only the owner may).
    """
    store = _postgres_store(url)
    try:
        with store.transaction(write=True) as session:
            connection = session.connection()
            known = connection.execute(
                text("SELECT 1 FROM pg_roles WHERE rolname = :l"), {"l": login}
            ).first()
            if known is None:
                raise IdentityError(
                    f"no login {login!r} on the server of {store.url} (CREATE ROLE ... LOGIN first)"
                )
            scope = _partnership_id(connection, partnership, store.url)
            connection.execute(
                text("DELETE FROM login_links WHERE login = :l AND COALESCE(partnership_id, 0) = :s"),
                {"l": login, "s": scope or 0},
            )
            connection.execute(
                text("INSERT INTO login_links (login, partnership_id, person) VALUES (:l, :p, :person)"),
                {"l": login, "p": scope, "person": person},
            )
    finally:
        store.close()
    return Link(login, person, partnership)


def unlink(url: str, login: str, partnership: str | None = None) -> None:
    """Remove ``login``'s link (of ``partnership``, or its global one).

    Raises
    ------
    IdentityError
        On SQLite, or when there is no such link.
    """
    store = _postgres_store(url)
    try:
        with store.transaction(write=True) as session:
            connection = session.connection()
            scope = _partnership_id(connection, partnership, store.url)
            gone = connection.execute(
                text("DELETE FROM login_links WHERE login = :l AND COALESCE(partnership_id, 0) = :s"),
                {"l": login, "s": scope or 0},
            ).rowcount
            if not gone:
                where = f" in partnership {partnership!r}" if partnership else ""
                raise IdentityError(f"login {login!r} has no link{where}")
    finally:
        store.close()


def links(url: str) -> list[Link]:
    """Every link, by login then scope (global first)."""
    store = _postgres_store(url)
    try:
        with store.transaction() as session:
            rows = session.connection().execute(
                text(
                    "SELECT l.login, l.person, p.name FROM login_links l "
                    "LEFT JOIN partnerships p ON p.id = l.partnership_id "
                    "ORDER BY l.login, l.partnership_id NULLS FIRST"
                )
            )
            return [Link(str(login), str(person), name) for login, person, name in rows]
    finally:
        store.close()
