from http import HTTPStatus
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import LIST_URL


def _hero_token(username: str) -> str:
    out = StringIO()
    call_command("hero_token", username, stdout=out)
    return out.getvalue()


def _authenticated_as(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.post(LIST_URL, {}, format="json").status_code


@pytest.mark.django_db
def test_hero_token_prints_only_a_new_token():
    user = User.objects.create_user("ada")

    printed = _hero_token("ada")

    token = printed.removesuffix("\n")
    assert printed == f"{token}\n"
    assert len(token) == 64
    stored = AuthToken.objects.get(user=user)
    assert stored.token_key == token[:15]
    assert stored.digest != token
    # Known and refused for the permission, not for the token: 403, not 401.
    assert _authenticated_as(token) == HTTPStatus.FORBIDDEN


@pytest.mark.django_db
def test_hero_token_prints_a_new_token_each_time_and_keeps_the_others():
    User.objects.create_user("ada")

    first, second = _hero_token("ada"), _hero_token("ada")

    assert first != second
    assert AuthToken.objects.count() == 2
    assert {_authenticated_as(first.strip()), _authenticated_as(second.strip())} == {
        HTTPStatus.FORBIDDEN
    }


@pytest.mark.django_db
def test_hero_token_of_a_missing_user_fails():
    with pytest.raises(CommandError, match="There is no user 'nobody'"):
        _hero_token("nobody")

    assert not AuthToken.objects.exists()
