"""Every request passes every middleware: no kind of request, speed on or off, skips one."""

import re
from http import HTTPStatus

import pytest
from django.conf import settings
from prometheus_client import REGISTRY
from rest_framework.test import APIClient

from heroproject import speed_switches
from tests.factories import LIST_URL, CookielessClient
from tests.speed.switching import speed_off

ORIGIN = "https://app.example.com"
DURATION = "heroes_http_request_duration_seconds"
# What the middleware above the views sets: security, policies, CORS.
HEADERS = (
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "X-Frame-Options",
    "Content-Security-Policy",
    "Permissions-Policy",
    "Access-Control-Allow-Origin",
    "Access-Control-Expose-Headers",
)
KINDS = ("JSON without cookies", "JSON with a session cookie", "browsable API")


@pytest.fixture(autouse=True)
def _allowed_origin(settings) -> None:
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]


def _client(kind: str, writer) -> APIClient:
    if kind == "JSON without cookies":
        return CookielessClient()
    client = APIClient()
    if kind == "JSON with a session cookie":
        client.force_login(writer)
    return client


def _list_count() -> float:
    labels = {"route": "heroes/", "method": "GET", "status": "200"}
    return REGISTRY.get_sample_value(f"{DURATION}_count", labels) or 0.0


def _seen(kind: str, writer) -> dict:
    """What the middleware left on a list request of this kind."""
    accept = "text/html" if kind == "browsable API" else "application/json"
    counted = _list_count()
    response = _client(kind, writer).get(LIST_URL, HTTP_ACCEPT=accept, HTTP_ORIGIN=ORIGIN)
    sent = response.wsgi_request.META
    assert ("HTTP_COOKIE" in sent) == (kind != "JSON without cookies")
    assert ("sessionid=" in sent.get("HTTP_COOKIE", "")) == (kind == "JSON with a session cookie")
    return {
        "status": response.status_code,
        "request id": bool(re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])),
        "counted": _list_count() - counted,
        "vary origin": "origin" in response["Vary"].lower(),
        **{name: response.get(name) for name in HEADERS},
    }


@pytest.mark.parametrize("off", [(), speed_switches.MODULES], ids=["speed on", "speed off"])
def test_list_heroes_of_every_kind_passes_every_middleware(db, writer, off):
    with speed_off(off):
        seen = {kind: _seen(kind, writer) for kind in KINDS}

    first = seen[KINDS[0]]
    assert first["status"] == HTTPStatus.OK
    assert first["request id"]
    assert first["counted"] == 1
    assert first["vary origin"]
    assert all(first[name] for name in HEADERS)
    assert seen == {kind: first for kind in KINDS}


def test_speed_middleware_each_stands_for_one_stock_middleware():
    # A cheaper stock middleware each; none answers in place of the ones below it.
    speed_middleware = [path for path in settings.MIDDLEWARE if path.startswith("heroes.speed.")]

    assert all(path in speed_switches.STOCK for path in speed_middleware)
    assert len(speed_switches.plain(settings.MIDDLEWARE, speed_switches.MODULES)) == len(
        settings.MIDDLEWARE
    )
