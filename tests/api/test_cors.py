"""CORS (django-cors-headers): which origins and paths get which headers."""

from http import HTTPStatus

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from heroes.models import Hero
from tests.factories import LIST_URL, SECRET, CookielessClient, api_token, detail_url

ALLOWED = "https://app.example.com"
OTHER = "https://evil.example.com"
ALLOWED_HEADERS = {"authorization", "content-type", "if-match", "if-none-match", "idempotency-key"}
ALLOWED_METHODS = {"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"}
EXPOSED_HEADERS = {"etag", "location", "link", "idempotent-replayed", "retry-after"}

API_PATHS = [
    LIST_URL,
    LIST_URL.rstrip("/"),  # served without the slash too
    detail_url(1),
    reverse("api-token"),
    reverse("schema"),
    reverse("livez"),
    reverse("livez").rstrip("/"),
    reverse("readyz"),
    reverse("readyz").rstrip("/"),
]
NON_API_PATHS = [
    reverse("admin:index"),
    reverse("admin:login"),
    reverse("rest_framework:login"),
    reverse("swagger-ui"),
]


@pytest.fixture(autouse=True)
def _allowed_origin(settings) -> None:
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED]


def _preflight(client: Client, path: str, origin: str, method: str = "POST"):
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization,content-type,idempotency-key",
        },
    )


def _listed(value: str) -> set[str]:
    return {item.strip() for item in value.split(",")}


def _cors_headers(response) -> dict[str, str]:
    return {
        name: value
        for name, value in response.headers.items()
        if name.lower().startswith("access-control-")
    }


@pytest.mark.parametrize("path", API_PATHS)
def test_preflight_from_allowed_origin_lists_allowed_headers_and_methods(db, client, path):
    response = _preflight(client, path, ALLOWED)

    assert response.status_code == HTTPStatus.OK
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert _listed(response["Access-Control-Allow-Headers"].lower()) >= ALLOWED_HEADERS
    assert _listed(response["Access-Control-Allow-Methods"]) == ALLOWED_METHODS
    assert response["Access-Control-Max-Age"] == "86400"
    assert "Access-Control-Allow-Credentials" not in response
    assert "origin" in _listed(response["Vary"].lower())


def test_preflight_allows_no_header_beyond_the_listed_ones(db, client):
    response = _preflight(client, LIST_URL, ALLOWED)

    assert "cookie" not in _listed(response["Access-Control-Allow-Headers"].lower())
    assert "x-csrftoken" not in _listed(response["Access-Control-Allow-Headers"].lower())


def test_get_from_allowed_origin_carries_allow_origin_and_exposed_headers(client, make_hero):
    make_hero()

    response = client.get(LIST_URL, headers={"Origin": ALLOWED})

    assert response.status_code == HTTPStatus.OK
    assert response.json()["results"][0]["name"] == "Deadpond"
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert _listed(response["Access-Control-Expose-Headers"].lower()) == EXPOSED_HEADERS
    assert "Access-Control-Allow-Credentials" not in response
    assert "origin" in _listed(response["Vary"].lower())


@pytest.mark.parametrize("path", API_PATHS)
def test_origin_not_listed_gets_no_cors_headers(db, client, path):
    preflight = _preflight(client, path, OTHER)
    get = client.get(path, headers={"Origin": OTHER})

    assert _cors_headers(preflight) == {}
    assert _cors_headers(get) == {}


def test_same_origin_but_other_scheme_or_port_is_not_listed(db, client):
    for origin in ("http://app.example.com", "https://app.example.com:8443"):
        assert _cors_headers(client.get(LIST_URL, headers={"Origin": origin})) == {}


def test_empty_allowed_origins_allow_no_origin(db, client, settings):
    # What an unset DJANGO_CORS_ALLOWED_ORIGINS gives (tests/test_settings.py).
    settings.CORS_ALLOWED_ORIGINS = []

    for origin in (ALLOWED, OTHER, "null"):
        assert _cors_headers(_preflight(client, LIST_URL, origin)) == {}
        assert _cors_headers(client.get(LIST_URL, headers={"Origin": origin})) == {}


def test_no_origin_is_allowed_by_pattern_or_wildcard():
    assert not getattr(django_settings, "CORS_ALLOW_ALL_ORIGINS", False)
    assert not getattr(django_settings, "CORS_ALLOWED_ORIGIN_REGEXES", [])
    assert not getattr(django_settings, "CORS_ALLOW_CREDENTIALS", False)


@pytest.mark.parametrize("path", NON_API_PATHS)
def test_admin_and_login_pages_get_no_cors_headers(db, client, path):
    preflight = _preflight(client, path, ALLOWED)
    get = client.get(path, headers={"Origin": ALLOWED})

    assert _cors_headers(preflight) == {}
    assert _cors_headers(get) == {}


def test_create_without_cookie_header_gets_cors_headers(writer):
    client = CookielessClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(writer)}")

    response = client.post(
        LIST_URL,
        {"name": "Deadpond", "secret_name": SECRET},
        format="json",
        headers={"Origin": ALLOWED, "Accept": "application/json"},
    )

    assert response.status_code == HTTPStatus.CREATED
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert _listed(response["Access-Control-Expose-Headers"].lower()) == EXPOSED_HEADERS
    assert Hero.objects.get().name == "Deadpond"


@pytest.mark.parametrize(
    ("send", "status"),
    [
        pytest.param(
            lambda c, h: c.post(LIST_URL, b" " * 1001, content_type="application/json", headers=h),
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            id="body-over-the-limit",
        ),
        pytest.param(
            lambda c, h: c.post(LIST_URL, b"{not json", content_type="application/json", headers=h),
            HTTPStatus.BAD_REQUEST,
            id="malformed-json",
        ),
        pytest.param(
            lambda c, h: c.get(detail_url(424242), headers=h),
            HTTPStatus.NOT_FOUND,
            id="no-such-hero",
        ),
        pytest.param(
            lambda c, h: c.get("/heroes/no/such/path/", headers=h),
            HTTPStatus.NOT_FOUND,
            id="no-such-path",
        ),
    ],
)
def test_error_answer_to_allowed_origin_carries_cors_headers(writer_client, settings, send, status):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = send(writer_client, {"Origin": ALLOWED, "Accept": "application/json"})

    assert response.status_code == status
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert _listed(response["Access-Control-Expose-Headers"].lower()) == EXPOSED_HEADERS
    assert not Hero.objects.exists()


def test_anonymous_write_from_allowed_origin_reads_its_401(db, client):
    response = client.post(
        LIST_URL,
        {"name": "Deadpond", "secret_name": SECRET},
        content_type="application/json",
        headers={"Origin": ALLOWED},
    )

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert response["WWW-Authenticate"].startswith("Token")
    assert not Hero.objects.exists()
