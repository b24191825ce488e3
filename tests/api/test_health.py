import sqlite3
from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.api.broken_database import answers, unreachable

HEALTH_CHECKS = ["livez", "readyz"]
GET = ("GET", "/livez", {}, None), ("GET", "/readyz", {}, None)


def test_livez_answers_without_touching_the_database(api_client):
    # No `db` fixture: a query here would fail the test.
    response = api_client.get(reverse("livez"))

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "alive"}


def test_readyz_when_hero_reads_and_writes_would_succeed(api_client, db):
    response = api_client.get(reverse("readyz"))

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ready"}


@pytest.mark.parametrize("name", HEALTH_CHECKS)
def test_health_check_without_trailing_slash(api_client, db, name):
    assert api_client.get(f"/{name}").status_code == HTTPStatus.OK


@pytest.mark.parametrize("name", HEALTH_CHECKS)
def test_health_check_answers_head_for_load_balancers(api_client, db, name):
    response = api_client.head(reverse(name))

    assert response.status_code == HTTPStatus.OK
    assert response.content == b""


@pytest.mark.parametrize("name", HEALTH_CHECKS)
def test_health_check_refuses_writes(api_client, db, name):
    assert api_client.post(reverse(name)).status_code == HTTPStatus.METHOD_NOT_ALLOWED


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_health_checks_when_database_is_unreachable(tmp_path, kind):
    url, env = unreachable(kind, tmp_path)

    (live, ready), _ = answers(url, *GET, **env)

    assert live.status == HTTPStatus.OK
    assert live.json() == {"status": "alive"}
    assert ready.status == HTTPStatus.SERVICE_UNAVAILABLE
    assert ready.headers["retry-after"] == "5"
    assert ready.json() == {
        "status": "unavailable",
        "detail": {
            "sqlite": "The database file is missing.",
            "postgresql": "No database connection could be had in time: "
            "the database is down or full.",
        }[kind],
    }


def test_readyz_never_creates_a_missing_database_file(tmp_path):
    answers(f"sqlite:///{tmp_path / 'db.sqlite3'}", *GET)

    assert list(tmp_path.iterdir()) == []


def test_readyz_when_database_was_never_migrated(tmp_path):
    path = tmp_path / "db.sqlite3"
    sqlite3.connect(path).close()  # an empty database file

    (_, ready), _ = answers(f"sqlite:///{path}", *GET)

    assert ready.status == HTTPStatus.SERVICE_UNAVAILABLE
    assert ready.json()["detail"].startswith("The database is not migrated: no table auth_group,")
    assert "heroes_hero," in ready.json()["detail"]
