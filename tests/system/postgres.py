"""Throwaway databases on the PostgreSQL server of scripts/with-postgres.sh."""

import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from benchmarks.servers import free_port, sqlite_url


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


@contextmanager
def database_of_this_pass(folder: Path) -> Iterator[str]:
    """A new database of this pass's kind: PostgreSQL in the PostgreSQL pass (DATABASE_URL
    set), else a SQLite file in `folder`. Yields its URL."""
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        with postgres_database() as url:
            yield url
    else:
        yield sqlite_url(folder / "db.sqlite3")


@dataclass
class DedicatedServer:
    """A PostgreSQL server of one test's own, which the test may stop and start again.

    Its role `heroes` (no superuser, so it gets no reserved connection slot) owns the
    database `heroes`; `admin_url` reaches it as the superuser over the private socket.
    """

    bindir: Path
    directory: Path
    port: int
    options: tuple[str, ...]

    @property
    def url(self) -> str:
        return f"postgres://heroes:{PASSWORD}@127.0.0.1:{self.port}/heroes"

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@/heroes?host={self.directory}&port={self.port}"

    def start(self) -> None:
        settings = " ".join(
            [f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory}", *self.options]
        )
        _as_postgres(
            self.bindir / "pg_ctl",
            "-D",
            self.directory / "data",
            "-l",
            self.directory / "log",
            "-w",
            "-t",
            "60",
            "-o",
            settings,
            "start",
        )

    def stop(self) -> None:
        _as_postgres(self.bindir / "pg_ctl", "-D", self.directory / "data", "-m", "fast", "stop")


PASSWORD = "heroes-test"


def _as_postgres(*command, check: bool = True) -> None:
    # PostgreSQL refuses to run as root.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *map(str, command)], check=check, capture_output=True, timeout=120)


def _bindir() -> Path:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    pytest.fail("No PostgreSQL server: run the tests through `make test`.", pytrace=False)


@contextmanager
def dedicated_server(*settings: str) -> Iterator[DedicatedServer]:
    """A new PostgreSQL server on 127.0.0.1 for the block; `settings`: `-c name=value` options."""
    directory = Path(tempfile.mkdtemp(prefix="heroes-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
    server = DedicatedServer(_bindir(), directory, free_port(), ("-c fsync=off", *settings))
    try:
        _as_postgres(
            server.bindir / "initdb",
            "-D",
            directory / "data",
            "--username=postgres",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        server.start()
        with psycopg.connect(
            server.admin_url.replace("/heroes?", "/postgres?"), autocommit=True
        ) as c:
            c.execute(sql.SQL("CREATE ROLE heroes LOGIN PASSWORD {}").format(sql.Literal(PASSWORD)))
            c.execute("CREATE DATABASE heroes OWNER heroes")
        yield server
    finally:
        stop = [server.bindir / "pg_ctl", "-D", directory / "data", "-m", "immediate", "stop"]
        _as_postgres(*stop, check=False)
        shutil.rmtree(directory, ignore_errors=True)
