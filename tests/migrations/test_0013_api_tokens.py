"""Migration 0013 on a database of the version before it: plain DRF tokens become knox's.

The database is built as that version left it: migrated up to 0012, with
rest_framework.authtoken's table and its migrations recorded (that app is no longer
installed, so its table is made here with its own SQL), holding two users' tokens.
"""

import hashlib
import importlib
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from knox.models import AuthToken

from benchmarks.servers import manage, sqlite_url

# rest_framework.authtoken's table on SQLite, as its migrations 0001 to 0004 leave it.
PLAIN_TABLE = (
    'CREATE TABLE "authtoken_token" ("key" varchar(40) NOT NULL PRIMARY KEY, '
    '"created" datetime NOT NULL, "user_id" integer NOT NULL UNIQUE REFERENCES "auth_user" '
    '("id") DEFERRABLE INITIALLY DEFERRED)'
)
PLAIN_MIGRATIONS = (
    "0001_initial",
    "0002_auto_20160226_1747",
    "0003_tokenproxy",
    "0004_alter_tokenproxy_options",
)
# 40 hex characters, as DRF makes them.
OLD_TOKENS = {"ada": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b", "bob": "0" * 39 + "1"}
CREATED = "2024-05-17 12:00:00.123456"
# Every other app to its latest migration, as that version left them (knox was not there).
OTHER_APPS_MIGRATED = """
from django.core.management import call_command
for app in ("contenttypes", "auth", "admin", "sessions"):
    call_command("migrate", app, interactive=False, verbosity=0)
"""
AUTHENTICATED = """
from knox.auth import TokenAuthentication
from heroes.speed.authentication import CompiledTokenAuthentication
for key in {keys!r}:
    for authentication in (TokenAuthentication, CompiledTokenAuthentication):
        print(authentication().authenticate_credentials(key.encode())[0].username)
"""


def _old_database(path: Path) -> str:
    url = sqlite_url(path)
    manage(url, "migrate", "heroes", "0012", "--noinput", "-v0")
    manage(url, "shell", "--no-imports", "-c", OTHER_APPS_MIGRATED)
    with closing(sqlite3.connect(path)) as database:
        database.execute(PLAIN_TABLE)
        database.executemany(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('authtoken', ?, ?)",
            [(name, CREATED) for name in PLAIN_MIGRATIONS],
        )
        for user_id, (username, key) in enumerate(OLD_TOKENS.items(), 1):
            database.execute(
                "INSERT INTO auth_user (id, password, is_superuser, username, first_name,"
                " last_name, email, is_staff, is_active, date_joined)"
                " VALUES (?, '!', 0, ?, '', '', '', 0, 1, ?)",
                (user_id, username, CREATED),
            )
            database.execute(
                "INSERT INTO authtoken_token (key, created, user_id) VALUES (?, ?, ?)",
                (key, CREATED, user_id),
            )
        database.commit()
    return url


def _rows(path: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(path)) as database:
        return database.execute(sql).fetchall()


@pytest.mark.parametrize(("ttl", "lifetime"), [("", timedelta(days=30)), ("0", None)])
def test_migrate_hashes_old_tokens_which_keep_working(tmp_path, ttl, lifetime):
    path = tmp_path / "db.sqlite3"
    url = _old_database(path)
    before = datetime.now(UTC).replace(tzinfo=None)

    # A server still connected keeps the write-ahead log: the migration has to empty it.
    with closing(sqlite3.connect(path)) as connected:
        connected.execute("SELECT COUNT(*) FROM auth_user").fetchall()
        manage(url, "migrate", "--noinput", "-v0", DJANGO_TOKEN_TTL=ttl)
        held = {file: file.read_bytes() for file in tmp_path.glob("db.sqlite3*")}

    after = datetime.now(UTC).replace(tzinfo=None)
    stored = _rows(
        path,
        "SELECT username, digest, token_key, knox_authtoken.created, expiry"
        " FROM knox_authtoken JOIN auth_user ON auth_user.id = user_id ORDER BY username",
    )
    assert [row[:4] for row in stored] == [
        (username, hashlib.sha512(key.encode()).hexdigest(), key[:15], CREATED)
        for username, key in OLD_TOKENS.items()
    ]
    for *_, expiry in stored:
        if lifetime is None:
            assert expiry is None
        else:
            assert before + lifetime <= datetime.fromisoformat(expiry) <= after + lifetime
    assert _rows(path, "SELECT COUNT(*) FROM authtoken_token") == [(0,)]
    for file, content in held.items():
        assert [key for key in OLD_TOKENS.values() if key.encode() in content] == [], file.name
    printed = manage(
        url, "shell", "--no-imports", "-c", AUTHENTICATED.format(keys=[*OLD_TOKENS.values()])
    )
    assert printed.split() == ["ada", "ada", "bob", "bob"]


def test_migrate_without_the_old_token_table_moves_nothing(tmp_path):
    path = tmp_path / "db.sqlite3"

    manage(sqlite_url(path), "migrate", "--noinput", "-v0")

    tables = {
        name for (name,) in _rows(path, "SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    assert "knox_authtoken" in tables
    assert "authtoken_token" not in tables
    assert _rows(path, "SELECT COUNT(*) FROM knox_authtoken") == [(0,)]


@pytest.mark.django_db
def test_hashing_old_tokens_deletes_them_overwritten(api_client, writer):
    # In-process, on this run's database: SQLite builds without SECURE_DELETE (unlike
    # Debian's) only free the deleted rows' pages, so the migration turns it on itself.
    migration = importlib.import_module("heroes.migrations.0013_api_tokens")
    key, created = OLD_TOKENS["ada"], datetime(2024, 5, 17, 12, tzinfo=UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY,"
            " created timestamp with time zone NOT NULL, user_id integer NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)",
            (key, connection.ops.adapt_datetimefield_value(created), writer.pk),
        )
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA secure_delete = OFF")

    migration.hash_plain_tokens(apps, SimpleNamespace(connection=connection))

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone() == (0,)
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA secure_delete")
            assert cursor.fetchone() == (1,)
    assert AuthToken.objects.get().created == created
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.post(reverse("hero-list"), {"name": "Deadpond", "secret_name": "D"})
    assert response.status_code == HTTPStatus.CREATED
