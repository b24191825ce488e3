"""A gunicorn serving a fresh database of either kind, plain SQL on that database, and
waiting for what a running server writes to its log."""

import sqlite3
import time
from collections.abc import Callable, Iterator
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


def logged(
    server: Server,
    expected: str | Callable[[str], bool],
    *,
    what: str | None = None,
    timeout: float = 10,
) -> str:
    """The server's log once it holds `expected`: a string, or a test of the log's text.

    gunicorn writes a request's access line after it has sent the response, so a client can
    read the log before the line is there. This reads the log (its complete lines) every
    50 ms, for at most `timeout` seconds; if `expected` never comes, the assertion fails,
    naming `what` was awaited and showing the end of the log.
    """
    found = (lambda log: expected in log) if isinstance(expected, str) else expected
    deadline = time.monotonic() + timeout

    def complete_lines() -> str:
        text = server.log()
        return text[: text.rfind("\n") + 1]

    log = complete_lines()
    while not found(log) and time.monotonic() < deadline:
        time.sleep(0.05)
        log = complete_lines()
    lines = log.splitlines()
    assert found(log), (
        f"{what or repr(expected)} not in {server.log_path} after {timeout} s; "
        f"its last {min(len(lines), 40)} of {len(lines)} lines:\n" + "\n".join(lines[-40:])
    )
    return log
