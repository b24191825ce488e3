from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from rest_framework.exceptions import AuthenticationFailed

from heroes.speed.authentication import CompiledTokenAuthentication
from tests.factories import LIST_URL, api_token


def test_prepared_token_authentication_returns_what_knoxs_returns(writer):
    key = api_token(writer).encode()

    user, token = CompiledTokenAuthentication().authenticate_credentials(key)
    expected_user, expected_token = TokenAuthentication().authenticate_credentials(key)

    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected_user, field.attname)
    for field in AuthToken._meta.concrete_fields:
        assert getattr(token, field.attname) == getattr(expected_token, field.attname)
    assert token.user == user
    assert user.has_perm("heroes.add_hero")


@pytest.mark.parametrize("key", [b"nope", b"ab" * 32, b"caf\xe9"])
def test_prepared_token_authentication_refuses_unknown_tokens(db, key):
    with pytest.raises(AuthenticationFailed, match="Invalid token"):
        CompiledTokenAuthentication().authenticate_credentials(key)


def test_prepared_token_authentication_refuses_inactive_users(writer):
    key = api_token(writer).encode()
    User.objects.filter(pk=writer.pk).update(is_active=False)

    with pytest.raises(AuthenticationFailed, match="inactive"):
        CompiledTokenAuthentication().authenticate_credentials(key)


@pytest.mark.parametrize("authentication", [CompiledTokenAuthentication, TokenAuthentication])
def test_token_authentication_deletes_the_users_expired_tokens_as_knox_does(
    writer, reader, authentication
):
    key, _ = api_token(writer), api_token(writer)
    readers_expired = api_token(reader)
    past = timezone.now() - timedelta(seconds=1)
    # The writer's second token and the reader's token expired; only the writer's goes.
    AuthToken.objects.exclude(token_key=key[:15]).update(expiry=past)

    user, _ = authentication().authenticate_credentials(key.encode())

    assert user == writer
    assert {token.token_key for token in AuthToken.objects.all()} == {
        key[:15],
        readers_expired[:15],
    }


def test_read_with_invalid_token_is_refused(api_client, db):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = api_client.get(LIST_URL)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json() == {"detail": "Invalid token."}


def test_session_login_still_authenticates_writes(writer):
    client = Client(enforce_csrf_checks=False)
    client.force_login(writer)

    response = client.post(
        LIST_URL, {"name": "Deadpond", "secret_name": "Dive"}, content_type="application/json"
    )

    assert response.status_code == HTTPStatus.CREATED


@pytest.mark.speed
@pytest.mark.parametrize("permissions", [(), ("add_hero",), ("add_hero", "delete_hero")])
def test_token_authentication_reads_the_users_permissions_in_the_token_query(db, permissions):
    user = User.objects.create_user("mixed", password="pw")
    user.user_permissions.set(Permission.objects.filter(codename__in=permissions))
    group = Group.objects.create(name="editors")
    group.permissions.set(Permission.objects.filter(codename__in=["change_hero", "view_group"]))
    user.groups.add(group)
    key = api_token(user).encode()

    with CaptureQueriesContext(connection) as queries:
        authenticated, _ = CompiledTokenAuthentication().authenticate_credentials(key)
        found = authenticated.get_all_permissions()

    assert len(queries) == 1
    assert found == ModelBackend().get_all_permissions(User.objects.get(pk=user.pk))
    assert found == {f"heroes.{codename}" for codename in permissions} | {
        "heroes.change_hero",
        "auth.view_group",
    }
