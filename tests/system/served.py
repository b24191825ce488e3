"""A gunicorn serving a fresh database of either kind, and plain SQL on that database."""

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg

from benchmarks.servers import Server, gunicorn, sqlite_url
from tests.system.postgres import postgres_database

KINDS = ("postgresql", "sqlite")


@contextmanager
def served_database(kind: str, directory: Path, *, workers: int) -> Iterator[tuple[Server, str]]:
    """A migrated database served by gunicorn for the block; yields the server and its URL.

    `kind` "sqlite" is a file in `directory`; "postgresql" a new database on the run's server.
    """
    if kind == "postgresql":
        with (
            postgres_database() as url,
            gunicorn(url, directory / "server.log", workers=workers) as server,
        ):
            yield server, url
    else:
        url = sqlite_url(directory / "db.sqlite3")
        with gunicorn(url, directory / "server.log", workers=workers) as server:
            yield server, url


def query(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    """The rows of one statement (placeholders `%s`), run straight on the database."""
    if url.startswith("sqlite:///"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as database:
            return database.execute(sql.replace("%s", "?"), params).fetchall()
    with psycopg.connect(url) as connection:
        return connection.execute(sql, params).fetchall()
