"""Database logins on the test run's PostgreSQL server, for the row-security tests.

``login()`` makes a LOGIN role with every privilege on lifecycle's tables and
sequences, so that what it may do is decided by the policies and triggers
alone; ``as_login()`` is a URL that connects as it; ``raw()`` runs SQL as it
straight through the driver.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy.engine import make_url


def _dsn(url: str, user: str) -> str:
    parsed = make_url(url)
    return f"host={parsed.host} port={parsed.port} user={user} dbname={parsed.database}"


@contextmanager
def login(url: str) -> Iterator[str]:
    """A new LOGIN role with all privileges on the tables of ``url``'s database, dropped after."""
    name = f"u_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_dsn(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{name}" LOGIN')
        conn.execute(f'GRANT ALL PRIVILEGES ON ALL TABLES IN SCHEMA public TO "{name}"')
        conn.execute(f'GRANT ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA public TO "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(_dsn(url, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP OWNED BY "{name}"')
            conn.execute(f'DROP ROLE "{name}"')


def as_login(url: str, name: str) -> str:
    """``url`` connecting as login ``name``."""
    return make_url(url).set(username=name).render_as_string(hide_password=False)


def raw(url: str, name: str, sql: str) -> int:
    """Run ``sql`` as login ``name`` in one transaction; the number of rows it changed."""
    conn = psycopg.connect(_dsn(url, name))
    try:
        with conn:  # commits on leaving; a refusal at commit raises here
            return conn.execute(sql).rowcount
    finally:
        conn.close()  # psycopg leaves it open when the commit itself fails
