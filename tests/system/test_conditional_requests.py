"""Two clients read the same ETag and PATCH the hero at the same instant, with If-Match.

Exactly one may win: the check and the write are one step, so the other answers 412,
on SQLite (gunicorn workers sharing one file) and on PostgreSQL alike.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from http import HTTPStatus

import pytest

from benchmarks.servers import create_user, gunicorn
from tests.system.clients import HttpClient
from tests.system.postgres import database_of_this_pass

ROUNDS = 150


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn with 3 workers on the database of this pass, and a writer's token."""
    folder = tmp_path_factory.mktemp("conditional")
    with ExitStack() as stack:
        database_url = stack.enter_context(database_of_this_pass(folder))
        server = stack.enter_context(gunicorn(database_url, folder / "gunicorn.log", workers=3))
        permissions = ("add_hero", "change_hero")
        yield server, create_user(database_url, "writer", "pw", permissions=permissions)


def _patch(client: HttpClient, start: threading.Barrier, path: str, etag: str, age: int):
    start.wait(timeout=30)
    return client.request("PATCH", path, {"age": age}, headers={"If-Match": etag})


def test_concurrent_patches_with_one_etag_exactly_one_wins(server):
    server, token = server
    creator, *patchers = (HttpClient(server.url, token=token) for _ in range(3))
    outcomes = []
    with ThreadPoolExecutor(2) as pool:
        for round_ in range(ROUNDS):
            body = {"name": f"h{round_}", "secret_name": "s"}
            created = creator.request("POST", "/heroes/", body)
            path = created.headers["location"].removeprefix(server.url)
            start = threading.Barrier(2)
            replies = [
                pool.submit(_patch, client, start, path, created.headers["etag"], age)
                for age, client in enumerate(patchers, start=1)
            ]
            outcomes.append(([reply.result() for reply in replies], creator.request("GET", path)))

    for replies, stored in outcomes:
        statuses = sorted(reply.status for reply in replies)
        assert statuses == [HTTPStatus.OK, HTTPStatus.PRECONDITION_FAILED], [
            r.text for r in replies
        ]
        winner = next(reply for reply in replies if reply.status == HTTPStatus.OK)
        assert stored.json()["age"] == winner.json()["age"]
        assert stored.headers["etag"] == winner.headers["etag"] == '"2"'
    assert "Traceback" not in server.log()
