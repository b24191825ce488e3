"""Two gunicorn instances share one PostgreSQL database: any request may reach either one.

Runs in both passes: the database is a fresh one on the PostgreSQL server of the run.
"""

import http.cookiejar
import json
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

import pytest

from benchmarks.servers import create_user, gunicorn, start_gunicorn, stop
from tests.system.postgres import postgres_database

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Instances A and B on two ports, one database, and a writer's token made in it."""
    logs = tmp_path_factory.mktemp("scale-out")
    with (
        postgres_database() as database_url,
        gunicorn(database_url, logs / "a.log", workers=2) as a,
    ):
        b = start_gunicorn(database_url, logs / "b.log", workers=2)
        try:
            create_user(
                database_url,
                "writer",
                PASSWORD,
                permissions=("add_hero", "change_hero", "delete_hero"),
                staff=True,
            )
            yield a, b
        finally:
            stop(b.process)
    for server in (a, b):
        assert "Traceback" not in server.log()


def call(base: str, method: str, path: str, body=None, token: str | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else None


def obtain_token(base: str) -> str:
    form = urllib.parse.urlencode({"username": "writer", "password": PASSWORD}).encode()
    with urllib.request.urlopen(f"{base}/auth/token/", data=form, timeout=30) as response:
        return json.loads(response.read())["token"]


def test_token_obtained_from_one_instance_works_on_the_other(cluster):
    a, b = cluster
    token = obtain_token(a.url)

    status, created = call(b.url, "POST", "/heroes/", {"name": "Tok", "secret_name": "T"}, token)

    assert status == HTTPStatus.CREATED
    assert call(a.url, "GET", f"/heroes/{created['id']}/")[1]["name"] == "Tok"
    # A token per login, each kept hashed in the shared database: both work on both.
    other = obtain_token(b.url)
    assert other != token
    hero = f"/heroes/{created['id']}/"
    for base in (a.url, b.url):
        for key in (token, other):
            assert call(base, "PATCH", hero, {"age": 30}, key)[0] == HTTPStatus.OK


def test_hero_created_on_one_instance_is_read_updated_and_deleted_on_the_other(cluster):
    a, b = cluster
    token = obtain_token(a.url)

    status, created = call(
        a.url, "POST", "/heroes/", {"name": "Deadpond", "secret_name": "Dive", "age": 30}, token
    )
    assert status == HTTPStatus.CREATED
    path = f"/heroes/{created['id']}/"

    assert call(b.url, "GET", path) == (HTTPStatus.OK, created)
    status, updated = call(b.url, "PATCH", path, {"age": 31}, token)
    assert (status, updated["age"]) == (HTTPStatus.OK, 31)
    assert call(a.url, "GET", path)[1]["age"] == 31
    assert call(b.url, "DELETE", path, token=token) == (HTTPStatus.NO_CONTENT, None)
    assert call(a.url, "GET", path) == (HTTPStatus.NOT_FOUND, {"detail": "Hero not found"})


def test_session_from_one_instance_is_valid_on_the_other(cluster):
    a, b = cluster
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = browser.open(f"{a.url}/admin/login/", timeout=30).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"csrfmiddlewaretoken": csrf, "username": "writer", "password": PASSWORD}
    browser.open(
        urllib.request.Request(
            f"{a.url}/admin/login/?next=/admin/",
            data=urllib.parse.urlencode(form).encode(),
            headers={"Referer": f"{a.url}/admin/login/"},
        ),
        timeout=30,
    )
    session = next(cookie.value for cookie in jar if cookie.name == "sessionid")

    request = urllib.request.Request(f"{b.url}/admin/", headers={"Cookie": f"sessionid={session}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        landed, body = response.url, response.read().decode()

    assert landed == f"{b.url}/admin/"  # not redirected to the login page
    assert "Log out" in body


def test_concurrent_creates_through_both_instances_lose_nothing(cluster):
    a, b = cluster
    token = obtain_token(a.url)
    run = secrets.token_hex(4)
    total = 200

    def create(i: int) -> int:
        base = (a, b)[i % 2].url
        body = {"name": f"Clone {run} {i}", "secret_name": "Same", "age": i}
        return call(base, "POST", "/heroes/", body, token)[0]

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(create, range(total)))
    created = statuses.count(HTTPStatus.CREATED)
    count = call(b.url, "GET", f"/heroes/?name__icontains={run}&limit=1")[1]["count"]
    stored = [
        hero["name"]
        for offset in range(0, total, 100)
        for hero in call(a.url, "GET", f"/heroes/?search={run}&limit=100&offset={offset}")[1][
            "results"
        ]
    ]

    assert statuses == [HTTPStatus.CREATED] * total
    assert count == created
    assert sorted(stored) == sorted(f"Clone {run} {i}" for i in range(total))
