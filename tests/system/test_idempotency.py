"""Concurrent retries with one Idempotency-Key create one hero, whichever server they reach.

Each round sends 8 POSTs with one new key and one body at once: through two gunicorn
instances (2 workers each) on one PostgreSQL database, and through one 3-worker gunicorn on
one SQLite file. Every answer must be the first one's 201 (replayed) or a 409.
"""

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from urllib.parse import urlencode

import pytest

from benchmarks.servers import create_user, gunicorn, sqlite_url, start_gunicorn, stop
from tests.system.clients import HttpClient, Reply
from tests.system.postgres import postgres_database

PASSWORD = "correct horse battery staple"
CONCURRENT = 8
ROUNDS = 10


@pytest.fixture(scope="module")
def postgres_pair(tmp_path_factory):
    """Instances A and B on one PostgreSQL database, and a writer's token made in it."""
    logs = tmp_path_factory.mktemp("idempotency-postgres")
    with (
        postgres_database() as database_url,
        gunicorn(database_url, logs / "a.log", workers=2) as a,
    ):
        b = start_gunicorn(database_url, logs / "b.log", workers=2)
        try:
            token = create_user(database_url, "writer", PASSWORD, permissions=("add_hero",))
            yield [a, b], token
        finally:
            stop(b.process)
    for server in (a, b):
        assert "Traceback" not in server.log()


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory):
    """One instance, 3 workers, on one SQLite file, and a writer's token made in it."""
    logs = tmp_path_factory.mktemp("idempotency-sqlite")
    database_url = sqlite_url(logs / "db.sqlite3")
    with gunicorn(database_url, logs / "server.log", workers=3) as server:
        token = create_user(database_url, "writer", PASSWORD, permissions=("add_hero",))
        yield [server], token
    assert "Traceback" not in server.log()


def _post_at_once(urls: list[str], token: str, key: str, body: dict) -> list[Reply]:
    """CONCURRENT copies of one keyed POST, spread over `urls`, sent as close together as can be."""
    start = threading.Barrier(CONCURRENT)

    def post(i: int) -> Reply:
        client = HttpClient(urls[i % len(urls)], token=token)
        try:
            start.wait(10)
            return client.request("POST", "/heroes/", body, headers={"Idempotency-Key": key})
        finally:
            client.close()

    with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
        return list(pool.map(post, range(CONCURRENT)))


def _stored_named(url: str, name: str) -> int:
    client = HttpClient(url)
    try:
        return client.request("GET", f"/heroes/?{urlencode({'name': name})}").json()["count"]
    finally:
        client.close()


@pytest.mark.parametrize("backend", ["postgres_pair", "sqlite_server"])
def test_concurrent_posts_with_one_key_create_one_hero(backend, request):
    servers, token = request.getfixturevalue(backend)
    urls = [server.url for server in servers]
    run = secrets.token_hex(4)
    for round_ in range(ROUNDS):
        key = f'"{run}-{round_}"'  # the draft's Structured Field String form
        body = {"name": f"Once {run} {round_}", "age": round_, "secret_name": "Same"}

        replies = _post_at_once(urls, token, key, body)

        statuses = [reply.status for reply in replies]
        created = [reply for reply in replies if reply.status == HTTPStatus.CREATED]
        assert set(statuses) <= {HTTPStatus.CREATED, HTTPStatus.CONFLICT}, [
            reply.text for reply in replies
        ]
        assert created  # the one that made the hero answers 201
        assert all(reply.json() == created[0].json() for reply in created)
        originals = [r for r in created if r.headers.get("idempotent-replayed") != "true"]
        assert len(originals) == 1
        assert created[0].json()["name"] == body["name"]
        assert _stored_named(urls[-1], body["name"]) == 1

        # A late retry, on the other instance where there is one, replays it too.
        client = HttpClient(urls[0], token=token)
        late = client.request("POST", "/heroes/", body, headers={"Idempotency-Key": key})
        client.close()
        assert (late.status, late.json()) == (HTTPStatus.CREATED, created[0].json())
        assert late.headers["idempotent-replayed"] == "true"
