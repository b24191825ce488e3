"""One seeded database per row count, on SQLite or PostgreSQL, copied for each server.

SQLite: a file, copied byte for byte. PostgreSQL: a database on the server the run was
given (`scripts/with-postgres.sh` starts a throwaway one), copied with CREATE DATABASE ...
TEMPLATE.
"""

import shutil
import sqlite3
import subprocess
import sys
import uuid
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from benchmarks.servers import BASE_DIR, create_user, manage, server_env, sqlite_url

SEED = 0
SQLITE, POSTGRES = "sqlite", "postgres"
DATABASES = {SQLITE: "SQLite", POSTGRES: "PostgreSQL"}
BENCH_USER = "bench-writer"
ADMIN_USER = "bench-admin"
# Only the benchmark's throwaway database knows it, and it serves 127.0.0.1 alone.
ADMIN_PASSWORD = "bench-admin-password-not-secret"
# The admin's case-insensitive prefix search indexes (migration 0007): the project's alone.
PROJECT_INDEXES = ("heroes_hero_name_prefix", "heroes_hero_secret_name_prefix")
# The name search index: the suffix tables on SQLite (migration 0016), a GIN index on
# PostgreSQL (0015).
PROJECT_SEARCH_INDEX = {
    SQLITE: (
        'DROP TABLE IF EXISTS "heroes_hero_name_suffixes"',
        'DROP TABLE IF EXISTS "heroes_hero_name_positions"',
    ),
    POSTGRES: ('DROP INDEX IF EXISTS "heroes_hero_name_trigram"',),
}


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _postgres(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


@dataclass
class Store:
    """Where the datasets of one database live: a folder, or a PostgreSQL server."""

    kind: str
    directory: Path
    server_url: str = ""  # PostgreSQL: any database of the server, to create the others
    prefix: str = field(default_factory=lambda: f"bench_{uuid.uuid4().hex[:8]}")
    created: list[str] = field(default_factory=list)

    def new(self, name: str, template: str | None = None) -> str:
        """A new empty database (or a copy of `template`'s), as a URL."""
        if self.kind == SQLITE:
            path = self.directory / f"{name}.sqlite3"
            for stale in self.directory.glob(f"{path.name}*"):
                stale.unlink()
            if template is not None:
                shutil.copyfile(template.removeprefix("sqlite:///"), path)
            return sqlite_url(path)
        # Numbered: two phases may ask for a copy of the same name.
        database = f"{self.prefix}_{len(self.created)}_{name}".replace("-", "_")
        source = f" TEMPLATE {urlsplit(template).path.lstrip('/')}" if template else ""
        with closing(_postgres(self.server_url)) as connection:
            connection.execute(f"CREATE DATABASE {database}{source}")
            # Parallel workers are short-lived processes outside the backend whose CPU is
            # measured: without them all of a query's CPU is in its backend, for every server.
            connection.execute(f"ALTER DATABASE {database} SET max_parallel_workers_per_gather = 0")
        self.created.append(database)
        return _with_database(self.server_url, database)

    def drop_project_only(self, url: str) -> None:
        """Drops the tally triggers, the admin's prefix indexes and the name search index (and
        its triggers) from the database."""
        if self.kind == SQLITE:
            with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as connection:
                triggers = connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                    " AND tbl_name = 'heroes_hero'"
                ).fetchall()
                for (name,) in triggers:
                    connection.execute(f'DROP TRIGGER "{name}"')
                for index in PROJECT_INDEXES:
                    connection.execute(f'DROP INDEX "{index}"')
                for statement in PROJECT_SEARCH_INDEX[SQLITE]:
                    connection.execute(statement)
                connection.commit()
            return
        with closing(_postgres(url)) as connection:
            triggers = connection.execute(
                "SELECT tgname FROM pg_trigger"
                " WHERE tgrelid = 'heroes_hero'::regclass AND NOT tgisinternal"
            ).fetchall()
            for (name,) in triggers:
                connection.execute(f'DROP TRIGGER "{name}" ON heroes_hero')
            for index in PROJECT_INDEXES:
                connection.execute(f'DROP INDEX "{index}"')
            for statement in PROJECT_SEARCH_INDEX[POSTGRES]:
                connection.execute(statement)

    def add_plain_token(self, url: str, username: str, token: str) -> None:
        """Gives the peers the token in plain text, in the table of DRF's authtoken they read.

        The project keeps only knox's digests (migration 0013); the peers look a token up
        by its text in `authtoken_token`, as the project did before: the same user, the
        same token (knox's, longer than DRF's 40 characters).
        """
        statements = [
            "CREATE TABLE authtoken_token (key varchar(64) NOT NULL PRIMARY KEY,"
            " created timestamp with time zone NOT NULL,"
            " user_id integer NOT NULL UNIQUE REFERENCES auth_user (id))",
            "INSERT INTO authtoken_token (key, created, user_id)"
            " SELECT ?, CURRENT_TIMESTAMP, id FROM auth_user WHERE username = ?",
        ]
        if self.kind == SQLITE:
            with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as connection:
                connection.execute(statements[0])
                connection.execute(statements[1], (token, username))
                connection.commit()
            return
        with closing(_postgres(url)) as connection:
            connection.execute(statements[0])
            connection.execute(statements[1].replace("?", "%s"), (token, username))

    def query_one(self, url: str, sql: str, params: tuple = ()) -> tuple:
        if self.kind == SQLITE:
            with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as connection:
                return connection.execute(sql, params).fetchone()
        with closing(_postgres(url)) as connection:
            return connection.execute(sql.replace("?", "%s"), params).fetchone()

    def drop_all(self) -> None:
        """Drops every PostgreSQL database this store made (the servers must be stopped)."""
        if self.kind != POSTGRES:
            return
        with closing(_postgres(self.server_url)) as connection:
            for database in reversed(self.created):
                connection.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        self.created.clear()


@dataclass
class Dataset:
    """A seeded database and the facts the requests need."""

    rows: int
    url: str
    token: str
    hero_id: int
    hero_name: str
    store: Store

    @property
    def kind(self) -> str:
        return self.store.kind

    def copy_for(self, label: str, *, project: bool = True) -> str:
        """A copy of the seeded database for one server, as a URL. A peer's copy loses what
        only the project uses (its tally triggers and admin search indexes), so that no peer
        pays on its writes for work of the project's, and gains the plain token table the
        peers read."""
        url = self.store.new(f"{label}-{self.rows}", template=self.url)
        if not project:
            self.store.drop_project_only(url)
            self.store.add_plain_token(url, BENCH_USER, self.token)
        return url

    def count_rows(self, url: str) -> int:
        return self.store.query_one(url, "SELECT COUNT(*) FROM heroes_hero")[0]

    def contains_term(self) -> str:
        """A piece of the hero's name, lower-cased: what `search` and `name__icontains` ask."""
        return self.hero_name.split()[0][-4:].lower()

    def selective_term(self) -> str:
        """The hero's name without its first two letters, lower-cased: a substring that the
        hero and its few namesakes hold (about one name in a million, whatever the size)."""
        return self.hero_name[2:].lower()


def seed(rows: int, store: Store, *, quiet: bool = False) -> Dataset:
    """Migrates a new database, seeds `rows` heroes and the benchmark's users."""
    url = store.new(f"heroes-{rows}")
    manage(url, "migrate", "--noinput", "-v0")
    command = [sys.executable, "manage.py", "seed_heroes", f"--count={rows}", f"--seed={SEED}"]
    subprocess.run(
        command + (["-v0"] if quiet else []), cwd=BASE_DIR, env=server_env(url), check=True
    )
    token = create_user(
        url, BENCH_USER, "unused", permissions=("add_hero", "change_hero", "delete_hero")
    )
    create_user(url, ADMIN_USER, ADMIN_PASSWORD, superuser=True)
    hero_id = max(rows // 2, 1)
    (hero_name,) = store.query_one(url, "SELECT name FROM heroes_hero WHERE id = ?", (hero_id,))
    if store.kind == SQLITE:
        # Everything into the main file, so a plain copy carries all of it.
        store.query_one(url, "PRAGMA wal_checkpoint(TRUNCATE)")
    return Dataset(rows, url, token, hero_id, hero_name, store)
