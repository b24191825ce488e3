import sqlite3
from contextlib import closing

import psycopg
import pytest
from django.db import DatabaseError
from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLWrapper

from benchmarks.servers import free_port
from heroes.portability.unavailable import UNAVAILABLE, unavailable_reason
from tests.portability.test_sqlite3 import wrapper


def sqlite_error(tmp_path, sql: str, uri: str = "") -> BaseException:
    """The Django error that `sql` raises on a one-table database, as Django wraps it."""
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS hero (name TEXT UNIQUE)")
        connection.execute("INSERT OR IGNORE INTO hero VALUES ('Deadpond')")
    connection.close()
    with pytest.raises(DatabaseError) as raised, wrapper(path).wrap_database_errors:
        run(uri or str(path), sql)
    return raised.value


def run(name: str, sql: str) -> None:
    with closing(sqlite3.connect(name, uri=name.startswith("file:"))) as connection:
        connection.execute(sql)


@pytest.mark.parametrize(
    ("sql", "uri", "reason"),
    [
        ("SELECT 1", "file:{dir}/missing.sqlite3?mode=rw", "The database file cannot be opened."),
        ("INSERT INTO hero VALUES ('x')", "file:{path}?mode=ro", "The database is read-only."),
        ("SELECT * FROM no_such_table", "", None),
        ("SELEKT 1", "", None),
        ("INSERT INTO hero VALUES ('Deadpond')", "", None),
    ],
)
def test_sqlite_errors_unavailable_or_bugs(tmp_path, sql, uri, reason):
    uri = uri.format(dir=tmp_path, path=tmp_path / "db.sqlite3")

    assert unavailable_reason(sqlite_error(tmp_path, sql, uri)) == reason


def test_postgresql_connection_refused_is_unavailable():
    wrapper = PostgreSQLWrapper({"OPTIONS": {}}, alias="refused")

    with pytest.raises(DatabaseError) as raised, wrapper.wrap_database_errors:
        psycopg.connect(host="127.0.0.1", port=free_port(), connect_timeout=5)

    assert unavailable_reason(raised.value) == UNAVAILABLE


def test_errors_that_are_not_from_a_database_are_bugs():
    assert unavailable_reason(RuntimeError("a bug")) is None
    assert unavailable_reason(None) is None
