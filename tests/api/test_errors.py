from http import HTTPStatus

import pytest
from django.test import Client

from tests.api.broken_database import answers, unreachable
from tests.factories import LIST_URL


@pytest.mark.parametrize("path", ["/heroes/1.5/", "/heroes/a/b/", "/no-such-page/"])
def test_unknown_url_answers_json_404(api_client, db, path):
    response = api_client.get(path, HTTP_ACCEPT="application/json")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_unknown_url_answers_html_404_to_browsers(api_client, db):
    response = api_client.get("/no-such-page/", HTTP_ACCEPT="text/html,*/*;q=0.8")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"].startswith("text/html")
    assert "Not Found" in response.content.decode()


@pytest.fixture
def failing_client(settings) -> Client:
    settings.ROOT_URLCONF = "tests.api.failing_urls"
    return Client(raise_request_exception=False)


def test_refusal_answers_json_403(failing_client):
    response = failing_client.get("/forbid/", HTTP_ACCEPT="application/json")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "You do not have permission to perform this action."}


def test_refusal_answers_html_403_to_browsers(failing_client):
    response = failing_client.get("/forbid/", HTTP_ACCEPT="text/html")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response["Content-Type"].startswith("text/html")
    assert "403 Forbidden" in response.content.decode()


def test_bug_answers_json_500(failing_client, caplog):
    response = failing_client.get("/fail/", HTTP_ACCEPT="application/json")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Server error."}
    assert "Retry-After" not in response
    # A bug keeps its traceback in the log.
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info[0] is RuntimeError


def test_bug_answers_html_500_to_browsers(failing_client):
    response = failing_client.get("/fail/", HTTP_ACCEPT="text/html,*/*;q=0.8")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert response["Content-Type"].startswith("text/html")
    assert "Server Error (500)" in response.content.decode()


def test_disallowed_host_answers_json_400_logged_without_traceback(db, caplog):
    response = Client(HTTP_HOST="evil.example.com").get(LIST_URL)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {
        "detail": "This server does not serve the host named in the Host header."
    }
    (record,) = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert "evil.example.com" in record.getMessage()
    assert record.exc_info is None


def test_disallowed_host_answers_html_400_to_browsers(db):
    response = Client(HTTP_HOST="evil.example.com").get(LIST_URL, HTTP_ACCEPT="text/html")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"].startswith("text/html")


HERO_REQUESTS = [
    ("GET", "/heroes/", {}, None),
    ("GET", "/heroes/1/", {}, None),
    ("GET", "/heroes/?name=Deadpond", {"Accept": "application/json"}, None),
    ("POST", "/auth/token/", {}, {"username": "writer", "password": "secret"}),
]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_hero_requests_answer_json_503_when_database_is_unreachable(tmp_path, kind):
    url, env = unreachable(kind, tmp_path)

    responses, log = answers(url, *HERO_REQUESTS, **env)

    reason = {
        "sqlite": "The database file cannot be opened.",
        "postgresql": "No database connection could be had in time: the database is down or full.",
    }[kind]
    for response in responses:
        assert response.status == HTTPStatus.SERVICE_UNAVAILABLE
        assert response.headers["content-type"] == "application/json"
        assert response.headers["retry-after"] == "5"
        assert response.json() == {"detail": f"{reason} Try again in 5 seconds."}
    # One line per request, with the driver's own words, and no traceback.
    assert "Traceback" not in log
    assert log.count(f"Service Unavailable: /heroes/: {reason} (") == 2
    assert list(tmp_path.iterdir()) == []  # the SQLite file was not created


def test_page_answers_html_503_when_database_is_unreachable(tmp_path):
    url, _ = unreachable("sqlite", tmp_path)

    (response,), _ = answers(url, ("GET", "/heroes/", {"Accept": "text/html"}, None))

    assert response.status == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["retry-after"] == "5"
    assert "<h1>Service Unavailable (503)</h1>" in response.text
