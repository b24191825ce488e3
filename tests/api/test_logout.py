"""Tokens end: logged out one by one or all together, or expired; bad ones write nothing."""

from datetime import timedelta
from http import HTTPStatus
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import LIST_URL, api_token

LOGOUT_URL = reverse("api-logout")
LOGOUT_ALL_URL = reverse("api-logout-all")
HERO = {"name": "Deadpond", "secret_name": "Dive"}


def _client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _create_hero(token: str):
    return _client(token).post(LIST_URL, HERO, format="json")


def _assert_refused(response) -> None:
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Invalid token."}


def test_logout_revokes_only_that_token(writer):
    first, second = api_token(writer), api_token(writer)

    response = _client(first).post(LOGOUT_URL)

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert response.content == b""
    _assert_refused(_create_hero(first))
    _assert_refused(_client(first).post(LOGOUT_URL))
    assert _create_hero(second).status_code == HTTPStatus.CREATED
    assert list(AuthToken.objects.values_list("digest", flat=True)) == [hash_token(second)]


def test_logout_all_revokes_every_token_of_the_user_only(writer, reader):
    first, second, readers = api_token(writer), api_token(writer), api_token(reader)

    response = _client(first).post(LOGOUT_ALL_URL)

    assert response.status_code == HTTPStatus.NO_CONTENT
    _assert_refused(_create_hero(first))
    _assert_refused(_create_hero(second))
    assert list(AuthToken.objects.values_list("digest", flat=True)) == [hash_token(readers)]
    assert _create_hero(readers).status_code == HTTPStatus.FORBIDDEN  # known, not permitted


@pytest.mark.parametrize("url", [LOGOUT_URL, LOGOUT_ALL_URL])
def test_logout_without_a_token_is_refused(api_client, writer, url):
    api_token(writer)
    api_client.force_login(writer)  # a session has no token to revoke

    response = api_client.post(url)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.json()) == {"detail"}
    assert AuthToken.objects.count() == 1


def test_expired_token_is_refused_and_deleted(writer, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(seconds=3)}
    token, other = api_token(writer), api_token(writer)
    assert _create_hero(token).status_code == HTTPStatus.CREATED
    later = timezone.now() + timedelta(seconds=4)

    with mock.patch("django.utils.timezone.now", return_value=later):
        response = _create_hero(token)

    _assert_refused(response)
    # knox deletes the user's expired tokens it comes across: both of them here.
    assert not AuthToken.objects.exists()
    _assert_refused(_create_hero(other))


def test_token_without_expiry_outlives_any_clock(writer, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": None}
    token = api_token(writer)
    later = timezone.now() + timedelta(days=36_500)

    with mock.patch("django.utils.timezone.now", return_value=later):
        response = _create_hero(token)

    assert response.status_code == HTTPStatus.CREATED


def _unknown_with_a_known_start(token: str) -> str:
    return token[:15] + ("0" if token[15] != "0" else "1") + token[16:]


BAD_HEADERS = {
    "no credentials": lambda token: "Token",
    "spaces in the token": lambda token: f"Token {token} {token}",
    "not UTF-8": lambda token: "Token caf\xe9",
    "unknown": lambda token: "Token " + "ab" * 32,
    "unknown with a known start": lambda token: "Token " + _unknown_with_a_known_start(token),
    "old DRF length": lambda token: "Token " + token[:40],
}


@pytest.mark.parametrize("header", BAD_HEADERS.values(), ids=BAD_HEADERS.keys())
@pytest.mark.parametrize("method", ["get", "post"])
def test_bad_token_is_refused_and_writes_nothing(writer, header, method):
    token = api_token(writer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header(token))

    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(LIST_URL, HERO if method == "post" else None)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.json()) == {"detail"}
    assert [query["sql"] for query in queries if not query["sql"].startswith("SELECT")] == []
    assert _create_hero(token).status_code == HTTPStatus.CREATED


def test_revoked_token_is_refused_and_writes_nothing(writer):
    token = api_token(writer)
    _client(token).post(LOGOUT_URL)

    with CaptureQueriesContext(connection) as queries:
        response = _create_hero(token)

    _assert_refused(response)
    assert [query["sql"] for query in queries if not query["sql"].startswith("SELECT")] == []
