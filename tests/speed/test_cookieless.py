import json
from http import HTTPStatus

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.middleware import SessionMiddleware
from rest_framework.test import APIClient

from heroes.models import Hero
from tests.factories import LIST_URL, SECRET, detail_url

COOKIELESS = "heroes.speed.cookieless.CookielessAPIMiddleware"


def _both_ways(settings, send):
    """The answer with the middleware, then without it: status, JSON body, headers."""
    answers = []
    for middleware in (
        django_settings.MIDDLEWARE,
        [m for m in django_settings.MIDDLEWARE if m != COOKIELESS],
    ):
        settings.MIDDLEWARE = middleware
        response = send()
        body = json.loads(response.content) if response.content else None
        headers = dict(response.headers)
        # Every answer has an id of its own.
        assert len(headers.pop("X-Request-ID")) == 32
        if isinstance(body, dict) and "id" in body:
            # Two creates: two ids, in the body and in Location.
            headers["Location"] = headers["Location"].replace(str(body.pop("id")), "{id}")
        answers.append((response.status_code, body, headers))
    return answers


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", LIST_URL, {"name": "Deadpond", "age": 30, "secret_name": SECRET}),
        ("post", LIST_URL, {"name": ""}),
        ("get", LIST_URL, None),
        ("get", detail_url(424242), None),
    ],
)
def test_cookieless_json_request_answers_as_through_every_middleware(
    writer_client, settings, method, url, body
):
    with_it, without_it = _both_ways(
        settings, lambda: getattr(writer_client, method)(url, body, format="json")
    )

    assert with_it == without_it


def test_request_with_session_cookie_goes_through_csrf(writer, make_hero):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(writer)

    response = client.post(LIST_URL, {"name": "Deadpond", "secret_name": SECRET}, format="json")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "CSRF" in response.json()["detail"]
    assert not Hero.objects.exists()


def test_html_request_gets_the_browsable_api(api_client, make_hero):
    response = api_client.get(LIST_URL, HTTP_ACCEPT="text/html")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/html")


def test_cookieless_json_request_skips_the_middleware_below(api_client, make_hero, monkeypatch):
    def session_middleware_ran(self, request):
        raise AssertionError("the session middleware ran")

    monkeypatch.setattr(SessionMiddleware, "process_request", session_middleware_ran)
    make_hero()

    response = api_client.get(LIST_URL)

    assert response.status_code == HTTPStatus.OK
    assert response.json()["count"] == 1
