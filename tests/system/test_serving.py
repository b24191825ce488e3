"""The serving `make run` starts (scripts/serve.sh): nginx in front of gunicorn's sync workers."""

import grp
import gzip
import http.client
import json
import os
import pwd
import subprocess
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from benchmarks import slow_clients
from benchmarks.servers import (
    BASE_DIR,
    create_user,
    free_port,
    manage,
    served,
    server_env,
    sqlite_url,
    start_server,
    stop,
)
from tests.system.clients import HttpClient
from tests.system.figures import record_figures
from tests.system.served import logged

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("serving")
    url = sqlite_url(tmp_path / "db.sqlite3")
    # Three workers: 40 slow clients would hold every one of them, if they reached gunicorn.
    # The anonymous rate limit off: these tests send bursts from one address on purpose
    # (test_rate_limit.py tests it).
    off = {"NGINX_ANONYMOUS_RATE": "0"}
    with served(url, tmp_path / "serve.log", workers=3, **off) as server:
        server.token = create_user(url, "writer", PASSWORD, permissions=("add_hero",))
        manage(url, "seed_heroes", "--count", "150", "--seed", "1")
        yield server


def _connection(server) -> http.client.HTTPConnection:
    parts = urlsplit(server.url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)


def test_serving_answers_while_slow_clients_hold_connections(server):
    outcome = slow_clients.attack(server.url, slow_headers=20, slow_bodies=20, seconds=10)

    record_figures("slow_clients", vars(outcome))
    assert outcome.requests >= 20
    # Each within the client's 5 s timeout; gunicorn alone, a worker held per slow
    # connection, would answer none.
    assert outcome.answered == outcome.requests
    assert "Traceback" not in server.log()


def test_serving_keeps_connections_alive(server):
    connection = _connection(server)
    statuses, sockets = [], []
    for _ in range(3):
        connection.request("GET", "/heroes/?limit=1", headers={"Accept": "application/json"})
        response = connection.getresponse()
        response.read()
        statuses.append((response.status, response.getheader("Connection")))
        # http.client keeps its socket only while the server keeps the connection open.
        sockets.append(connection.sock)
    connection.close()

    assert statuses == [(HTTPStatus.OK, "keep-alive")] * 3
    assert sockets[0] is not None
    assert sockets == [sockets[0]] * 3


@pytest.mark.parametrize("path", ["/heroes/?limit=100", "/openapi.json"])
def test_serving_gzips_json_for_clients_that_accept_it(server, path):
    plain = HttpClient(server.url).request("GET", path, headers={"Accept": "application/json"})
    zipped = HttpClient(server.url).request(
        "GET", path, headers={"Accept": "application/json", "Accept-Encoding": "gzip"}
    )

    assert plain.status == zipped.status == HTTPStatus.OK
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert json.loads(gzip.decompress(zipped.body)) == json.loads(plain.body)
    assert len(zipped.body) < len(plain.body) / 2


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        # Found by an outside attack: each answered 503 ("upstream sent too big header").
        ("name__icontains=" + "%E8%8B%B1" * 255, {}),
        ("search=" + "%E8%8B%B1" * 255, {}),
        ("search=" + "%E8%8B%B1" * 150, {"Cookie": "theme=dark"}),
        ("&".join(["x=1"] * 900), {}),
    ],
    ids=["long-filter", "long-search", "search-with-cookie", "junk-parameters"],
)
def test_serving_answers_long_list_queries_with_their_page(server, query, headers):
    reply = HttpClient(server.url).request(
        "GET",
        f"/heroes/?limit=1&offset=5&{query}",
        headers={"Accept": "application/json", **headers},
    )

    assert reply.status == HTTPStatus.OK
    assert set(json.loads(reply.body)) == {"count", "next", "previous", "results"}


@pytest.mark.parametrize("host", ["localhost:1337", "localhost", "127.0.0.1:9"])
def test_serving_links_to_the_port_it_was_reached_on_not_the_host_header_s(server, host):
    """Found by an outside attack: `Host: localhost:1337` came back in Link and next."""
    headers = {"Accept": "application/json", "Host": host}
    client = HttpClient(server.url, token=server.token)
    page = client.request("GET", "/heroes/?limit=1&offset=5", headers=headers)
    created = client.request(
        "POST", "/heroes/", {"name": "Linked", "secret_name": "s"}, headers=headers
    )

    body = json.loads(page.body)
    links = [body["next"], body["previous"], created.headers["location"]]
    links += [part.split(">")[0].lstrip(" <") for part in page.headers["link"].split(",")]
    assert (page.status, created.status) == (HTTPStatus.OK, HTTPStatus.CREATED)
    expected = f"{host.split(':')[0]}:{urlsplit(server.url).port}"
    assert {urlsplit(link).netloc for link in links} == {expected}


def _hostile(server, method, path, body=None, headers=None, accept="application/json"):
    client = HttpClient(server.url, token=server.token)
    reply = client.request(method, path, body, {"Accept": accept, **(headers or {})})
    client.close()
    return reply


@pytest.mark.parametrize(
    ("case", "method", "path", "body", "headers", "status", "html"),
    [
        (
            "body over nginx's limit",
            "POST",
            "/heroes/",
            b"x" * 4_000_000,
            {"Content-Type": "application/json"},
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            True,
        ),
        (
            "body over Django's limit",
            "POST",
            "/heroes/",
            b"x" * 2_700_000,
            {"Content-Type": "application/json"},
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            True,
        ),
        (
            "request line of 100,000 bytes",
            "GET",
            "/heroes/?name__icontains=" + "x" * 100_000,
            None,
            {},
            HTTPStatus.REQUEST_URI_TOO_LONG,
            False,  # refused before its Accept header is read
        ),
        (
            "header of 100,000 bytes",
            "GET",
            "/heroes/",
            None,
            {"X-Filler": "x" * 100_000},
            HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
            True,  # Accept comes first, so nginx has read it
        ),
        (
            "200 headers (gunicorn's limit)",
            "GET",
            "/heroes/",
            None,
            {f"X-Filler-{n}": "x" for n in range(200)},
            HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
            True,
        ),
    ],
)
def test_serving_refuses_oversized_requests_with_json(
    server, case, method, path, body, headers, status, html
):
    reply = _hostile(server, method, path, body, headers)
    page = _hostile(server, method, path, body, headers, accept="text/html")

    assert reply.status == page.status == status
    assert reply.headers["content-type"] == "application/json"
    assert reply.json()["detail"]
    # Browsers get a page, when nginx got as far as their Accept header.
    assert page.headers["content-type"] == ("text/html" if html else "application/json")
    assert _hostile(server, "GET", "/heroes/?limit=1").status == HTTPStatus.OK


@pytest.mark.parametrize(
    ("method", "headers", "status"),
    [
        # Found by an outside attack: gunicorn's HTML 400, and nginx's HTML 405 naming it.
        ("GET", {"X-Note": "a\x01b"}, HTTPStatus.BAD_REQUEST),
        ("TRACE", {}, HTTPStatus.METHOD_NOT_ALLOWED),
        ("CONNECT", {}, HTTPStatus.METHOD_NOT_ALLOWED),
    ],
    ids=["control-character-in-header", "trace", "connect"],
)
def test_serving_refuses_what_the_servers_refuse_themselves_with_json(
    server, method, headers, status
):
    reply = _hostile(server, method, "/heroes/", headers=headers)

    assert reply.status == status
    assert reply.headers["content-type"] == "application/json"
    assert reply.json()["detail"]
    assert b"nginx" not in reply.body
    assert b"<html" not in reply.body.lower()


def test_serving_counts_login_attempts_by_client_not_by_forwarded_for(server):
    statuses = []
    for n in range(12):
        reply = HttpClient(server.url).request(
            "POST",
            "/auth/token/",
            {"username": "writer", "password": f"wrong {n}"},
            # A client forging the header the proxy appends to: nginx adds the real address.
            {"X-Forwarded-For": f"203.0.113.{n}"},
        )
        statuses.append(reply.status)

    assert statuses == [HTTPStatus.BAD_REQUEST] * 10 + [HTTPStatus.TOO_MANY_REQUESTS] * 2


def test_proxy_answers_json_503_when_gunicorn_is_down(tmp_path):
    """nginx of deploy/nginx.conf with no gunicorn behind it."""
    port = free_port()
    config = subprocess.run(
        [
            str(BASE_DIR / "scripts" / "nginx-config.sh"),
            str(tmp_path),
            f"127.0.0.1:{port}",
            f"unix:{tmp_path / 'gunicorn.sock'}",  # nothing listens there
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (tmp_path / "nginx.conf").write_text(config)
    command = ["/usr/sbin/nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    nginx = start_server(
        [*command, "-e", "stderr", "-g", "daemon off;"],
        tmp_path / "nginx.log",
        env={},
        port=port,
        health_path=None,  # no answer is 200 without gunicorn: wait for the port
    )
    try:
        api = HttpClient(nginx.url).request(
            "GET", "/heroes/", headers={"Accept": "application/json"}
        )
        page = HttpClient(nginx.url).request("GET", "/admin/", headers={"Accept": "text/html"})
    finally:
        stop(nginx.process)

    assert api.status == page.status == HTTPStatus.SERVICE_UNAVAILABLE
    assert api.headers["retry-after"] == page.headers["retry-after"] == "5"
    assert api.json() == {"detail": "The service is unavailable. Try again in a few seconds."}
    assert page.headers["content-type"] == "text/html"


def test_serving_gives_each_request_nginx_s_id_not_the_client_s(server):
    client = HttpClient(server.url)

    first = client.request("GET", "/heroes/?limit=1", headers={"X-Request-ID": "chosen-by-me"})
    second = client.request("GET", "/heroes/?limit=1")

    ids = [first.headers["x-request-id"], second.headers["x-request-id"]]
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    assert ids[0] != ids[1]
    assert "chosen-by-me" not in ids
    # gunicorn's access line ends with the id nginx gave the request; gunicorn writes it
    # after the response, so it may come after the reply.
    log = logged(server, f" {ids[1]}\n", what=f"an access line ending with {ids[1]}")
    (line,) = [line for line in log.splitlines() if line.endswith(f" {ids[1]}")]
    assert '"GET /heroes/?limit=1 HTTP/1.0" 200 ' in line
    # The line names the client nginx saw, not the Unix socket's nameless peer.
    assert line.startswith("127.0.0.1 - - ["), line


def test_second_serve_on_the_same_run_dir_refuses_and_the_first_keeps_serving(server):
    env = server_env(
        "sqlite:///unused", PORT=urlsplit(server.url).port, HEROES_RUN_DIR=str(server.run_dir)
    )
    second = subprocess.run(
        [str(BASE_DIR / "scripts" / "serve.sh")],
        env={**env, "PORT": str(urlsplit(server.url).port)},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert second.returncode == 1
    assert "another serve.sh is serving from" in second.stderr
    assert HttpClient(server.url).request("GET", "/readyz").status == HTTPStatus.OK


def _curl_socket_as(user: str, socket: Path) -> subprocess.CompletedProcess:
    command = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--unix-socket"]
    return subprocess.run(
        ["runuser", "-u", user, "--", *command, str(socket), "http://127.0.0.1/livez"],
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_gunicorn_socket_is_reached_by_nginx_s_workers_only(server):
    socket_dir = server.run_dir / "socket"
    mode = socket_dir.stat().st_mode & 0o777
    if os.geteuid() != 0:
        assert mode == 0o700  # nginx's workers run as this user
        return
    # Started as root: nginx's workers run as nobody, in nobody's group.
    assert mode == 0o710
    assert socket_dir.group() == grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name
    assert _curl_socket_as("nobody", socket_dir / "gunicorn.sock").stdout == "200"
    refused = _curl_socket_as("daemon", socket_dir / "gunicorn.sock")
    assert refused.stdout == "000"
