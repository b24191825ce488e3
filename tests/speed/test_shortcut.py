"""The read shortcut answers as DRF does: the same requests sent both ways, then compared."""

import json
from http import HTTPStatus

import pytest
from rest_framework.permissions import IsAuthenticated
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from heroes.api.views import HeroViewSet
from tests.factories import detail_url


def _switch(settings, shortcut: bool) -> None:
    others = settings.HEROES_SPEED_OFF - {"shortcut"}
    settings.HEROES_SPEED_OFF = others if shortcut else others | {"shortcut"}


def _send(client: APIClient, settings, shortcut: bool, url: str, **extra):
    _switch(settings, shortcut)
    response = client.get(url, **extra)
    headers = dict(response.headers)
    assert len(headers.pop("X-Request-ID")) == 32  # every answer has an id of its own
    return response.status_code, response.content, headers


@pytest.fixture
def drf_calls(monkeypatch) -> list[str]:
    """The requests that reached DRF's own dispatch."""
    calls = []
    dispatch = APIView.dispatch

    def counting(self, request, *args, **kwargs):
        calls.append(request.method)
        return dispatch(self, request, *args, **kwargs)

    monkeypatch.setattr(APIView, "dispatch", counting)
    return calls


@pytest.mark.speed
def test_read_hero_skips_drf_dispatch(api_client, make_hero, drf_calls):
    hero = make_hero(name="Deadpond", age=30)

    response = api_client.get(detail_url(hero.pk), HTTP_ACCEPT="application/json")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"id": hero.pk, "name": "Deadpond", "age": 30}
    assert drf_calls == []


def test_read_hero_with_shortcut_off_goes_to_drf(api_client, make_hero, settings, drf_calls):
    _switch(settings, False)
    hero = make_hero(name="Deadpond", age=30)

    response = api_client.get(detail_url(hero.pk), HTTP_ACCEPT="application/json")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"id": hero.pk, "name": "Deadpond", "age": 30}
    assert drf_calls == ["GET"]


@pytest.mark.parametrize("accept", [None, "application/json", "*/*"])
def test_read_hero_answers_as_drf(api_client, make_hero, settings, accept):
    hero = make_hero(name="Deadpond \u2028 Line", age=None)
    extra = {} if accept is None else {"HTTP_ACCEPT": accept}

    drf = _send(api_client, settings, False, detail_url(hero.pk), **extra)
    shortcut = _send(api_client, settings, True, detail_url(hero.pk), **extra)

    assert drf[0] == HTTPStatus.OK
    assert shortcut == drf


@pytest.mark.speed
def test_read_hero_with_token_answers_as_drf(writer_client, make_hero, settings, drf_calls):
    hero = make_hero()

    drf = _send(writer_client, settings, False, detail_url(hero.pk))
    shortcut = _send(writer_client, settings, True, detail_url(hero.pk))

    assert shortcut == drf
    assert drf_calls == ["GET"]  # only the request sent with the shortcut off


@pytest.mark.parametrize(
    "extra",
    [
        {"HTTP_ACCEPT": "text/html"},
        {"HTTP_ACCEPT": "application/json; indent=4"},
        {"HTTP_AUTHORIZATION": "Token not-a-token"},
        {"QUERY_STRING": "format=json"},
    ],
    ids=["html", "indent", "bad-token", "format"],
)
def test_read_hero_other_requests_go_to_drf(api_client, make_hero, settings, drf_calls, extra):
    hero = make_hero()

    drf = _send(api_client, settings, False, detail_url(hero.pk), **extra)
    shortcut = _send(api_client, settings, True, detail_url(hero.pk), **extra)

    # Not byte for byte: the browsable API's forms carry a fresh CSRF token each time.
    assert shortcut[0] == drf[0]
    assert shortcut[2]["Content-Type"] == drf[2]["Content-Type"]
    assert drf_calls == ["GET", "GET"]


def test_read_hero_not_found_answers_as_drf(db, api_client, settings):
    drf = _send(api_client, settings, False, detail_url(424242))
    shortcut = _send(api_client, settings, True, detail_url(424242))

    assert drf[0] == HTTPStatus.NOT_FOUND
    assert shortcut == drf
    assert json.loads(shortcut[1]) == {"detail": "Hero not found"}


def test_read_hero_follows_the_viewsets_permissions(api_client, make_hero, monkeypatch):
    # The shortcut asks the viewset's own permission classes, whatever they are.
    monkeypatch.setattr(HeroViewSet, "permission_classes", [IsAuthenticated])
    hero = make_hero()

    response = api_client.get(detail_url(hero.pk))

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "Deadpond" not in response.content.decode()


class ManyPerDay(AnonRateThrottle):
    rate = "1000/day"


def test_read_hero_follows_the_viewsets_throttles(api_client, make_hero, monkeypatch, drf_calls):
    monkeypatch.setattr(HeroViewSet, "throttle_classes", [ManyPerDay])
    hero = make_hero()

    response = api_client.get(detail_url(hero.pk))

    assert response.status_code == HTTPStatus.OK
    assert drf_calls == ["GET"]
