"""SQLite faults while gunicorn serves: /readyz answers 503, hero requests a JSON 503.

Each test serves its own copy of one migrated database with 2 workers, makes one fault
happen under it (the file deleted, made immutable, its disk full, a page corrupted, or a
database never migrated), checks the answers and what is stored, then removes the fault
and checks that the service is ready again. Figures: artifacts/reliability/sqlite_faults.json.
"""

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from http import HTTPStatus
from pathlib import Path

import pytest

from benchmarks.servers import create_user, manage, sqlite_url, start_gunicorn, stop
from tests.system.clients import HttpClient
from tests.system.faults import (
    assert_not_ready,
    assert_unavailable,
    checkpoint,
    fill,
    immutable,
    overwrite,
    require_root,
    root_page,
    small_disk,
)
from tests.system.figures import record_figures

FIGURES: dict[str, dict] = {}
HERO = {"name": "Deadpond", "secret_name": "Dive Wilson"}
CHANGE = {"name": "Renamed"}
# Sent twice each, so that both workers answer most of them.
REPEAT = 2


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Iterator[tuple[Path, str]]:
    """A migrated database with one hero and a writer, and the writer's token."""
    require_root()
    path = tmp_path_factory.mktemp("sqlite-faults") / "template.sqlite3"
    manage(sqlite_url(path), "migrate", "--noinput", "-v0")
    token = create_user(
        sqlite_url(path), "writer", "correct horse", permissions=("add_hero", "change_hero")
    )
    manage(
        sqlite_url(path),
        "shell",
        "-c",
        "from heroes.models import Hero\n"
        "Hero.objects.create(name='Rusty-Man', secret_name='Tommy Sharp')",
    )
    yield path, token
    record_figures("sqlite_faults", FIGURES)


@contextmanager
def serving(path: Path, template: tuple[Path, str], log: Path) -> Iterator[HttpClient]:
    """The database at `path` (a copy of the template unless there is one) served by
    gunicorn; a client with the writer's token."""
    if not path.exists():
        shutil.copy(template[0], path)
    server = start_gunicorn(sqlite_url(path), log, workers=2)
    client = HttpClient(server.url, token=template[1])
    try:
        yield client
    finally:
        client.close()
        stop(server.process)


def names_in(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return [name for (name,) in connection.execute("SELECT name FROM heroes_hero ORDER BY id")]


def send(client: HttpClient, method: str, path: str, body=None) -> list:
    return [client.request(method, path, body) for _ in range(REPEAT)]


def test_deleted_file_answers_503_and_is_never_recreated(template, tmp_path):
    path = tmp_path / "db.sqlite3"
    with serving(path, template, tmp_path / "server.log") as client:
        assert client.request("GET", "/heroes/1/").status == HTTPStatus.OK
        backup = tmp_path / "backup.sqlite3"
        with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(backup)) as copy:
            source.backup(copy)

        os.remove(path)

        assert client.request("GET", "/livez").status == HTTPStatus.OK
        assert_not_ready(client.request("GET", "/readyz"), "The database file is missing.")
        for reply in [
            *send(client, "GET", "/heroes/"),
            *send(client, "GET", "/heroes/1/"),
            *send(client, "POST", "/heroes/", HERO),
        ]:
            assert_unavailable(reply, "The database file cannot be opened.")
        assert not path.exists()

        shutil.copy(backup, path)  # the operator restores the backup

        assert client.request("GET", "/readyz").status == HTTPStatus.OK
        assert client.request("POST", "/heroes/", HERO).status == HTTPStatus.CREATED
    assert names_in(path) == ["Rusty-Man", "Deadpond"]
    FIGURES["deleted"] = {"answers_503": 3 * REPEAT, "recreated": False, "ready_again": True}


def test_immutable_file_answers_reads_and_503_for_writes(template, tmp_path):
    path = tmp_path / "db.sqlite3"
    with serving(path, template, tmp_path / "server.log") as client:
        assert client.request("GET", "/heroes/1/").status == HTTPStatus.OK

        with immutable(path):
            assert_not_ready(client.request("GET", "/readyz"), "The database file is read-only.")
            reads = [*send(client, "GET", "/heroes/"), *send(client, "GET", "/heroes/1/")]
            writes = [
                *send(client, "POST", "/heroes/", HERO),
                *send(client, "PATCH", "/heroes/1/", CHANGE),
            ]
            assert {reply.status for reply in reads} == {HTTPStatus.OK}
            for reply in writes:
                assert_unavailable(reply, "The database is read-only.")

        assert client.request("GET", "/readyz").status == HTTPStatus.OK
        assert client.request("POST", "/heroes/", HERO).status == HTTPStatus.CREATED
    assert names_in(path) == ["Rusty-Man", "Deadpond"]
    FIGURES["immutable"] = {"reads_200": len(reads), "writes_503": len(writes)}


def test_full_disk_answers_reads_and_503_for_writes(template, tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        path = disk / "db.sqlite3"
        with serving(path, template, tmp_path / "server.log") as client:
            assert client.request("GET", "/heroes/1/").status == HTTPStatus.OK
            checkpoint(path)  # an empty log: the next write needs new space

            filler = fill(disk)

            assert_not_ready(
                client.request("GET", "/readyz"), "The disk that holds the database is full."
            )
            reads = send(client, "GET", "/heroes/")
            writes = [
                *send(client, "POST", "/heroes/", HERO),
                *send(client, "PATCH", "/heroes/1/", CHANGE),
            ]
            assert {reply.status for reply in reads} == {HTTPStatus.OK}
            for reply in writes:
                assert_unavailable(reply, "The disk that holds the database is full.")

            filler.unlink()

            assert client.request("GET", "/readyz").status == HTTPStatus.OK
            assert client.request("POST", "/heroes/", HERO).status == HTTPStatus.CREATED
        assert names_in(path) == ["Rusty-Man", "Deadpond"]
    FIGURES["disk_full"] = {"reads_200": len(reads), "writes_503": len(writes)}


def test_corrupted_page_answers_503(template, tmp_path):
    path = tmp_path / "db.sqlite3"
    shutil.copy(template[0], path)
    offset, size = root_page(path, "heroes_hero")
    original = overwrite(path, offset, b"\xff" * size)

    with serving(path, template, tmp_path / "server.log") as client:
        assert client.request("GET", "/livez").status == HTTPStatus.OK
        assert_not_ready(client.request("GET", "/readyz"), "The database file is corrupted.")
        for reply in [
            *send(client, "GET", "/heroes/"),
            *send(client, "GET", "/heroes/1/"),
            *send(client, "POST", "/heroes/", HERO),
        ]:
            assert_unavailable(reply, "The database file is corrupted.")

        overwrite(path, offset, original)

        assert client.request("GET", "/readyz").status == HTTPStatus.OK
        assert client.request("GET", "/heroes/1/").json()["name"] == "Rusty-Man"
    assert names_in(path) == ["Rusty-Man"]
    FIGURES["corrupted"] = {"page_offset": offset, "page_size": size, "answers_503": 3 * REPEAT}


def test_database_never_migrated_is_not_ready(template, tmp_path):
    path = tmp_path / "db.sqlite3"
    sqlite3.connect(path).close()  # an empty database file
    server = start_gunicorn(sqlite_url(path), tmp_path / "server.log", workers=2)
    try:
        client = HttpClient(server.url)
        readiness = client.request("GET", "/readyz")
        listed = client.request("GET", "/heroes/")
    finally:
        stop(server.process)

    assert readiness.status == HTTPStatus.SERVICE_UNAVAILABLE
    assert readiness.json()["detail"].startswith("The database is not migrated: no table ")
    # A missing table is a deployment bug, not an outage: JSON 500, traceback logged.
    assert listed.status == HTTPStatus.INTERNAL_SERVER_ERROR
    assert listed.json() == {"detail": "Server error."}
    assert "no such table" in server.log()
    FIGURES["never_migrated"] = {"readyz": readiness.json()["detail"][:60] + "..."}
