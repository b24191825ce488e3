"""Oversized and malformed requests against a real gunicorn: a 4xx each, and service goes on."""

import json
import re
import time
from http import HTTPStatus

import pytest

from benchmarks.servers import create_user, gunicorn, sqlite_url
from tests.system.clients import HttpClient
from tests.system.figures import record_figures

JSON = {"Content-Type": "application/json"}
TEN_MB = 10 * 1024 * 1024


def _hostile_requests() -> list[tuple[str, str, str, bytes | None, dict, int, str]]:
    """(case, method, path, body, headers, expected status, text the answer must contain)."""
    return [
        (
            "10 MB JSON body",
            "POST",
            "/heroes/",
            b'{"name": "' + b"x" * TEN_MB + b'", "secret_name": "s"}',
            JSON,
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            "Request body too large",
        ),
        (
            "100,000-character name__icontains",
            "GET",
            "/heroes/?name__icontains=" + "x" * 100_000,
            None,
            {},
            HTTPStatus.REQUEST_URI_TOO_LONG,  # gunicorn's limit_request_line
            "Request Line is too large",
        ),
        (
            "8,000-character name__icontains",
            "GET",
            "/heroes/?name__icontains=" + "x" * 8_000,
            None,
            {},
            HTTPStatus.BAD_REQUEST,
            '"name__icontains"',
        ),
        (
            "JSON nested 100,000 deep",
            "POST",
            "/heroes/",
            b"[" * 100_000 + b"]" * 100_000,
            JSON,
            HTTPStatus.BAD_REQUEST,
            "nested too deeply",
        ),
        (
            "invalid UTF-8 body",
            "POST",
            "/heroes/",
            b'{"name": "\xff\xfe\xfd", "secret_name": "\xc3\x28"}',
            JSON,
            HTTPStatus.BAD_REQUEST,
            "JSON parse error",
        ),
        (
            "ordering with 1,000 terms",
            "GET",
            "/heroes/?ordering=" + ",".join(["name"] * 1_000),
            None,
            {},
            HTTPStatus.BAD_REQUEST,
            '"ordering"',
        ),
        (
            "header of 100,000 bytes",
            "GET",
            "/heroes/",
            None,
            {"X-Filler": "x" * 100_000},
            HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,  # gunicorn's limit_request_field_size
            "limit request headers fields size",
        ),
        (
            "200 headers",
            "GET",
            "/heroes/",
            None,
            {f"X-Filler-{n}": "x" for n in range(200)},
            HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,  # gunicorn's limit_request_fields
            "limit request headers fields",
        ),
    ]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("hostile")
    url = sqlite_url(tmp_path / "db.sqlite3")
    with gunicorn(url, tmp_path / "gunicorn.log", workers=2) as server:
        server.token = create_user(
            url, "writer", "correct horse battery", permissions=("add_hero",)
        )
        yield server


def _timed(client: HttpClient, method: str, path: str, body=None, headers=None):
    started = time.monotonic()
    reply = client.request(method, path, body, headers)
    return reply, time.monotonic() - started


def test_hostile_requests_answer_4xx_and_the_server_keeps_serving(server):
    figures, answers = {}, {}
    for case, method, path, body, headers, _, _ in _hostile_requests():
        client = HttpClient(server.url, token=server.token)
        reply, seconds = _timed(client, method, path, body, headers)
        after, _ = _timed(client, "GET", "/heroes/?limit=1")
        client.close()
        answers[case] = (reply, after)
        figures[case] = {"status": reply.status, "seconds": round(seconds, 3)}
    created = HttpClient(server.url, token=server.token).request(
        "POST", "/heroes/", {"name": "Deadpond", "secret_name": "Dive"}
    )
    record_figures("hostile_requests", figures)

    for case, _, _, _, _, status, text in _hostile_requests():
        reply, after = answers[case]
        assert (case, reply.status) == (case, status)
        assert text in reply.text, case
        assert (case, after.status) == (case, HTTPStatus.OK)
    assert created.status == HTTPStatus.CREATED
    log = server.log()
    assert "Traceback" not in log
    assert not re.search(r'HTTP/1\.1" 5\d\d ', log)


def test_huge_limit_is_capped_not_refused(server):
    # issue 2's contract, and the schema: any positive limit, at most 100 heroes a page.
    client = HttpClient(server.url, token=server.token)
    for n in range(3):
        client.request("POST", "/heroes/", {"name": f"Hero {n}", "secret_name": "s"})

    reply, seconds = _timed(client, "GET", "/heroes/?limit=" + "1" + "0" * 30)

    record_figures("huge_limit", {"status": reply.status, "seconds": round(seconds, 3)})
    assert reply.status == HTTPStatus.OK
    body = json.loads(reply.body)
    assert body["count"] >= 3
    assert len(body["results"]) == min(body["count"], 100)
