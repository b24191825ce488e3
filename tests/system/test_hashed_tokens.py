"""API tokens on a real gunicorn over a SQLite file: never stored, revoked one by one, expired.

The database file and its write-ahead log are read as bytes while the server runs: a
token must not be in either, in any form the database could hold it as text.
"""

import hashlib
import time
from http import HTTPStatus

from benchmarks.servers import create_user, gunicorn, sqlite_url
from tests.system.clients import HttpClient

PASSWORD = "correct horse battery staple"
TTL = 3  # seconds: DJANGO_TOKEN_TTL of the server that lets a token expire


def _log_in(url: str) -> str:
    answer = HttpClient(url).request(
        "POST", "/auth/token/", {"username": "writer", "password": PASSWORD}
    )
    assert answer.status == HTTPStatus.OK, answer.text
    return answer.json()["token"]


def _create_hero(url: str, token: str) -> int:
    body = {"name": "Deadpond", "secret_name": "Dive Wilson"}
    return HttpClient(url, token=token).request("POST", "/heroes/", body).status


def _database_bytes(directory) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(directory.glob("db.sqlite3*")))


def test_tokens_are_never_stored_and_revoked_one_by_one(tmp_path):
    url = sqlite_url(tmp_path / "db.sqlite3")
    with gunicorn(url, tmp_path / "server.log") as server:
        create_user(url, "writer", PASSWORD, permissions=("add_hero",))
        first, second = _log_in(server.url), _log_in(server.url)
        both_work = [_create_hero(server.url, token) for token in (first, second)]
        stored = _database_bytes(tmp_path)

        logged_out = HttpClient(server.url, token=first).request("POST", "/auth/logout/")
        after_logout = [_create_hero(server.url, token) for token in (first, second)]

    assert first != second
    assert both_work == [HTTPStatus.CREATED, HTTPStatus.CREATED]
    for token in (first, second):
        assert token.encode() not in stored
        assert token.upper().encode() not in stored
        # What is stored instead, in the same files: the digest, and the token's start.
        assert hashlib.sha512(token.encode()).hexdigest().encode() in stored
        assert token[:15].encode() in stored
    assert logged_out.status == HTTPStatus.NO_CONTENT
    assert after_logout == [HTTPStatus.UNAUTHORIZED, HTTPStatus.CREATED]


def test_token_answers_401_once_its_ttl_has_passed(tmp_path):
    url = sqlite_url(tmp_path / "db.sqlite3")
    with gunicorn(url, tmp_path / "server.log", DJANGO_TOKEN_TTL=str(TTL)) as server:
        create_user(url, "writer", PASSWORD, permissions=("add_hero",))
        token = _log_in(server.url)
        issued = time.monotonic()
        fresh = _create_hero(server.url, token)
        used_within = time.monotonic() - issued
        time.sleep(TTL + 1 - used_within)
        expired = HttpClient(server.url, token=token).request("POST", "/heroes/", {"name": "X"})
        again = _log_in(server.url)
        renewed = _create_hero(server.url, again)

    assert used_within < TTL
    assert fresh == HTTPStatus.CREATED
    assert expired.status == HTTPStatus.UNAUTHORIZED
    assert expired.headers["www-authenticate"] == "Token"
    assert expired.json() == {"detail": "Invalid token."}
    assert renewed == HTTPStatus.CREATED
