"""Every HTML page carries Content-Security-Policy and Permissions-Policy, errors included."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse

from heroes.guards.policies import REDOC_STYLE_ELEMENTS
from heroes.models import Hero
from tests.factories import LIST_URL

HTML = {"HTTP_ACCEPT": "text/html"}
# Sources that name no other origin: keywords, hashes, and URLs the page makes itself.
OWN_SOURCES = ("'self'", "'none'", "'unsafe-hashes'", "'sha256-", "data:", "blob:")
DENIED_FEATURES = ["camera", "geolocation", "microphone", "payment", "usb"]


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: sources for name, *sources in (directive.split() for directive in policy.split(";"))
    }


def _permissions(response) -> dict[str, str]:
    return dict(item.split("=", 1) for item in response["Permissions-Policy"].split(", "))


def _assert_page_policies(response) -> dict[str, list[str]]:
    directives = _directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert [
        source
        for sources in directives.values()
        for source in sources
        if not source.startswith(OWN_SOURCES)
    ] == []
    permissions = _permissions(response)
    assert all(permissions[feature] == "()" for feature in DENIED_FEATURES)
    return directives


@pytest.fixture
def hero(db) -> Hero:
    return Hero.objects.create(name="Deadpond", secret_name="Dive Wilson")


@pytest.fixture
def staff(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("boss", password="correct horse battery"))
    return client


@pytest.mark.parametrize(
    ("path", "query"),
    [
        (LIST_URL, {}),
        (LIST_URL, {"format": "api"}),
        (reverse("api-root"), {}),
        (reverse("rest_framework:login"), {}),
        (reverse("admin:login"), {}),
        (reverse("swagger-ui"), {}),
        (reverse("swagger-ui"), {"script": ""}),  # its start-up script
    ],
)
def test_anonymous_page_carries_both_policies(db, path, query):
    response = Client().get(path, query, **HTML)

    assert response.status_code == HTTPStatus.OK
    directives = _assert_page_policies(response)
    assert directives["style-src"] == ["'self'"]


def test_hero_page_of_the_browsable_api_carries_both_policies(hero):
    response = Client().get(reverse("hero-detail", args=[hero.pk]), **HTML)

    assert response.status_code == HTTPStatus.OK
    _assert_page_policies(response)


@pytest.mark.parametrize(
    "view", ["admin:index", "admin:heroes_hero_changelist", "admin:heroes_hero_add"]
)
def test_admin_page_carries_both_policies(staff, view):
    response = staff.get(reverse(view))

    assert response.status_code == HTTPStatus.OK
    _assert_page_policies(response)


@pytest.mark.parametrize(
    "view",
    ["admin:heroes_hero_change", "admin:auth_user_change", "admin:auth_user_password_change"],
)
def test_admin_change_form_carries_both_policies(staff, hero, view):
    pk = hero.pk if "hero" in view else User.objects.get(username="boss").pk

    response = staff.get(reverse(view, args=[pk]))

    assert response.status_code == HTTPStatus.OK
    _assert_page_policies(response)


def test_redoc_carries_both_policies_with_its_own_styles_and_worker(db):
    response = Client().get(reverse("redoc"))

    assert response.status_code == HTTPStatus.OK
    directives = _assert_page_policies(response)
    assert directives["style-src"] == ["'self'", *REDOC_STYLE_ELEMENTS]
    assert directives["worker-src"] == ["blob:"]


def test_page_not_found_carries_both_policies(db):
    response = Client().get("/no-such-page/", **HTML)

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"].startswith("text/html")
    _assert_page_policies(response)


def test_csrf_failure_page_carries_both_policies(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("admin:login"), {"username": "boss", "password": "x"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "CSRF verification failed" in response.content.decode()
    _assert_page_policies(response)


def test_bad_host_page_answered_before_the_middleware_carries_both_policies(db):
    client = Client(raise_request_exception=False)

    response = client.get(LIST_URL, HTTP_HOST="evil.example", **HTML)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"].startswith("text/html")
    _assert_page_policies(response)


def test_server_error_of_a_json_read_carries_both_policies(hero):
    table = connection.ops.quote_name(Hero._meta.db_table)
    with connection.cursor() as cursor:  # the test's transaction puts the table back
        cursor.execute(f"ALTER TABLE {table} RENAME TO {connection.ops.quote_name('gone')}")
    client = Client(raise_request_exception=False)

    response = client.get(reverse("hero-detail", args=[hero.pk]), HTTP_ACCEPT="application/json")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert response.json() == {"detail": "Server error."}
    _assert_page_policies(response)


def test_login_limit_page_carries_both_policies(db, settings):
    settings.LOGIN_ATTEMPTS = 0

    response = Client().post(reverse("admin:login"), {"username": "boss", "password": "x"})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    _assert_page_policies(response)


def test_json_read_without_cookies_carries_both_policies(hero):
    # No path skips the policy middleware: a JSON answer carries what a page carries.
    response = Client().get(LIST_URL, HTTP_ACCEPT="application/json")

    assert response.status_code == HTTPStatus.OK
    _assert_page_policies(response)
