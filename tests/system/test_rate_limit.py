"""nginx's rate limit on requests without credentials (deploy/nginx.conf, limit_req).

Served as `make run` serves it, with a low limit: a burst of anonymous reads from one
address gets 429 JSON with Retry-After, another address is not held back by it, and a
client sending its token is not counted at all. The limit lives in nginx's memory: the
refused requests never reach the app, and nothing is written to the database.
"""

import json
from http import HTTPStatus

import pytest

from benchmarks.servers import create_user, manage, served, sqlite_url
from tests.system.clients import HttpClient
from tests.system.served import logged, query

BURST = 5
REQUESTS = 30


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("rate-limit")
    url = sqlite_url(tmp_path / "db.sqlite3")
    limit = {"NGINX_ANONYMOUS_RATE": "1", "NGINX_ANONYMOUS_BURST": str(BURST)}
    with served(url, tmp_path / "serve.log", workers=1, **limit) as server:
        server.token = create_user(url, "reader", "correct horse battery")
        manage(url, "seed_heroes", "--count", "5", "--seed", "1")
        server.database = url
        yield server


def _burst(server, client: HttpClient) -> list:
    replies = [
        client.request("GET", "/heroes/1/", headers={"Accept": "application/json"})
        for _ in range(REQUESTS)
    ]
    client.close()
    return replies


def test_anonymous_burst_past_the_limit_gets_429_json(server):
    replies = _burst(server, HttpClient(server.url, source_address="127.0.0.3"))

    statuses = [reply.status for reply in replies]
    assert statuses.count(HTTPStatus.OK) <= BURST + 2  # the burst, and a second's refill
    refused = [reply for reply in replies if reply.status == HTTPStatus.TOO_MANY_REQUESTS]
    assert len(refused) >= REQUESTS - BURST - 2
    assert refused[0].headers["content-type"] == "application/json"
    assert refused[0].headers["retry-after"] == "1"
    assert "Authorization" in json.loads(refused[0].body)["detail"]
    # Another address has its own allowance.
    other = HttpClient(server.url, source_address="127.0.0.4")
    assert other.request("GET", "/heroes/1/").status == HTTPStatus.OK
    # Refused in nginx: gunicorn never saw them, and no table was written.
    served = statuses.count(HTTPStatus.OK) + 1
    log = logged(server, lambda log: log.count("GET /heroes/1/") >= served, what="the reads")
    assert log.count("GET /heroes/1/") == served
    assert query(server.database, "SELECT COUNT(*) FROM heroes_loginattempts") == [(0,)]


def test_authenticated_burst_is_not_limited(server):
    client = HttpClient(server.url, token=server.token, source_address="127.0.0.5")

    replies = _burst(server, client)

    assert [reply.status for reply in replies] == [HTTPStatus.OK] * REQUESTS


def test_rate_limit_off_lets_every_anonymous_request_through(tmp_path):
    url = sqlite_url(tmp_path / "db.sqlite3")
    with served(url, tmp_path / "serve.log", workers=1, NGINX_ANONYMOUS_RATE="0") as server:
        manage(url, "seed_heroes", "--count", "5", "--seed", "1")
        replies = _burst(server, HttpClient(server.url, source_address="127.0.0.6"))

    assert [reply.status for reply in replies] == [HTTPStatus.OK] * REQUESTS
