"""Throwaway databases on the PostgreSQL server of scripts/with-postgres.sh."""

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql


def server_url() -> str:
    """The URL of a role that may create databases; missing means the run was set up wrong."""
    url = os.environ.get("TEST_POSTGRES_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.fail(
            "TEST_POSTGRES_URL is not set: this test needs a PostgreSQL server. "
            "Run `make test` or `scripts/with-postgres.sh .venv/bin/pytest`.",
            pytrace=False,
        )
    return url


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@contextmanager
def postgres_database(**options: str) -> Iterator[str]:
    """A new, empty database for the block; yields its URL. `options`: CREATE DATABASE options."""
    admin_url = server_url()
    name = f"heroes_{secrets.token_hex(6)}"
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if options:
        create += sql.SQL(" ") + sql.SQL(" ").join(
            sql.SQL("{} {}").format(sql.SQL(key.upper()), sql.Literal(value))
            for key, value in options.items()
        )
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(create)
    try:
        yield with_database(admin_url, name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            # FORCE ends connections a killed server may have left behind.
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
