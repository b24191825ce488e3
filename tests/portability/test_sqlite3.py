import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from django.db import OperationalError

from heroes.portability.sqlite3.base import DatabaseWrapper
from heroes.portability.unavailable import unavailable_reason


@pytest.fixture(autouse=True)
def _own_files(django_db_blocker):
    # These tests connect to database files of their own, never to the test database.
    with django_db_blocker.unblock():
        yield


def wrapper(path: Path) -> DatabaseWrapper:
    """A persistent, health-checked connection to the file, as the service's settings make."""
    return DatabaseWrapper(
        {
            "ENGINE": "heroes.portability.sqlite3",
            "NAME": str(path),
            "OPTIONS": {},
            "ATOMIC_REQUESTS": False,
            "AUTOCOMMIT": True,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "TIME_ZONE": None,
            "TEST": {},
            **dict.fromkeys(["USER", "PASSWORD", "HOST", "PORT"], ""),
        },
        alias="file",
    )


def query(database: DatabaseWrapper, sql: str) -> list:
    """Runs `sql` as the first query of a request: Django's health check first."""
    database.close_if_unusable_or_obsolete()
    with database.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE hero (name TEXT)")
        connection.execute("INSERT INTO hero VALUES ('Deadpond')")
    connection.close()
    database = wrapper(path)
    yield database
    database.close()


def test_open_missing_file_fails_and_creates_nothing(tmp_path):
    database = wrapper(tmp_path / "db.sqlite3")

    with pytest.raises(OperationalError) as raised:
        query(database, "SELECT 1")

    assert unavailable_reason(raised.value) == "The database file cannot be opened."
    assert list(tmp_path.iterdir()) == []


def test_prepare_database_creates_missing_file_for_migrate(tmp_path):
    database = wrapper(tmp_path / "db.sqlite3")

    database.prepare_database()

    assert query(database, "SELECT 1") == [(1,)]
    database.close()


def test_query_after_file_deleted_fails_and_recreates_nothing(database):
    path = Path(database.settings_dict["NAME"])
    assert query(database, "SELECT name FROM hero") == [("Deadpond",)]
    os.remove(path)

    with pytest.raises(OperationalError):
        query(database, "INSERT INTO hero VALUES ('Lost')")

    assert not path.exists()
    assert database.storage_problem() == "The database file is missing."


def test_query_after_file_replaced_reads_new_file(database, tmp_path):
    path = Path(database.settings_dict["NAME"])
    assert query(database, "SELECT name FROM hero") == [("Deadpond",)]
    backup = tmp_path / "backup.sqlite3"
    shutil.copy(path, backup)
    with sqlite3.connect(backup) as connection:
        connection.execute("UPDATE hero SET name = 'Restored'")
    connection.close()

    os.replace(backup, path)

    assert query(database, "SELECT name FROM hero") == [("Restored",)]


def test_error_in_a_rolled_back_transaction_still_reconnects(database):
    assert query(database, "SELECT name FROM hero") == [("Deadpond",)]
    first = database.connection

    def failing_transaction() -> None:
        with database.cursor() as cursor:
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("INSERT INTO no_such_table VALUES (1)")

    with pytest.raises(OperationalError):
        failing_transaction()
    database.rollback()  # as transaction.atomic() does on the way out
    database.close_if_unusable_or_obsolete()  # at the end of the request

    assert database.connection is None
    assert query(database, "SELECT name FROM hero") == [("Deadpond",)]
    assert database.connection is not first


def test_in_memory_database_has_no_storage_problem():
    database = wrapper(Path(":memory:"))

    assert query(database, "SELECT 1") == [(1,)]
    assert database.storage_problem() is None
