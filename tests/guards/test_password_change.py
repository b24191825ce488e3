from http import HTTPStatus

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from heroes.models import Hero
from tests.factories import LIST_URL, api_token

OLD_PASSWORD = "correct horse battery"
NEW_PASSWORD = "a quite different passphrase"
HERO = {"name": "Deadpond", "secret_name": "Dive Wilson"}


@pytest.fixture
def old_token(writer) -> str:
    return api_token(writer)


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("boss", password=OLD_PASSWORD))
    return client


def _create_hero(token: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.post(LIST_URL, HERO, format="json")


def _obtain_token(password: str):
    body = {"username": "writer", "password": password}
    return APIClient().post(reverse("api-token"), body, format="json")


def _assert_revoked(old_token: str) -> None:
    refused = _create_hero(old_token)
    assert refused.status_code == HTTPStatus.UNAUTHORIZED
    assert refused.json() == {"detail": "Invalid token."}
    assert not Hero.objects.exists()
    assert _obtain_token(OLD_PASSWORD).status_code == HTTPStatus.BAD_REQUEST
    issued = _obtain_token(NEW_PASSWORD)
    assert issued.status_code == HTTPStatus.OK
    assert issued.json()["token"] != old_token
    assert _create_hero(issued.json()["token"]).status_code == HTTPStatus.CREATED


def test_set_password_and_save_revokes_the_users_tokens(writer, old_token):
    assert _create_hero(old_token).status_code == HTTPStatus.CREATED
    Hero.objects.all().delete()

    writer.set_password(NEW_PASSWORD)
    writer.save()

    assert not AuthToken.objects.filter(user=writer).exists()
    _assert_revoked(old_token)


def test_admin_password_form_revokes_the_users_tokens(writer, old_token, admin_client):
    url = reverse("admin:auth_user_password_change", args=[writer.pk])
    form = {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}

    response = admin_client.post(url, form)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:auth_user_change", args=[writer.pk])
    _assert_revoked(old_token)


def test_admin_disabling_password_login_revokes_the_users_tokens(writer, old_token, admin_client):
    url = reverse("admin:auth_user_password_change", args=[writer.pk])

    response = admin_client.post(url, {"usable_password": "false", "unset-password": "1"})

    assert response.status_code == HTTPStatus.FOUND
    writer.refresh_from_db()
    assert not writer.has_usable_password()
    refused = _create_hero(old_token)
    assert refused.status_code == HTTPStatus.UNAUTHORIZED
    assert _obtain_token(OLD_PASSWORD).status_code == HTTPStatus.BAD_REQUEST


def test_admin_password_form_refused_keeps_the_tokens(writer, old_token, admin_client):
    url = reverse("admin:auth_user_password_change", args=[writer.pk])
    form = {"usable_password": "true", "password1": NEW_PASSWORD, "password2": "a typo"}

    response = admin_client.post(url, form)

    assert response.status_code == HTTPStatus.OK  # the form again, with its error
    assert _create_hero(old_token).status_code == HTTPStatus.CREATED


def test_own_password_change_in_admin_revokes_own_tokens(admin_client):
    boss = User.objects.get(username="boss")
    api_token(boss)
    form = {"old_password": OLD_PASSWORD, "new_password1": NEW_PASSWORD}

    response = admin_client.post(
        reverse("admin:password_change"), {**form, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert not AuthToken.objects.filter(user=boss).exists()


def test_saving_a_user_without_a_new_password_keeps_the_tokens(writer, old_token, admin_client):
    writer.first_name = "Wade"
    writer.save()

    assert _create_hero(old_token).status_code == HTTPStatus.CREATED


def test_password_change_revokes_every_token_of_the_user_only(writer, old_token, reader):
    second_token = api_token(writer)
    readers_token = api_token(reader)

    writer.set_password(NEW_PASSWORD)
    writer.save()

    assert list(AuthToken.objects.values_list("user", flat=True)) == [reader.pk]
    assert _create_hero(second_token).status_code == HTTPStatus.UNAUTHORIZED
    assert _create_hero(readers_token).status_code == HTTPStatus.FORBIDDEN  # known, not allowed


def test_login_that_rehashes_the_password_keeps_the_tokens(writer, old_token, settings):
    # A new preferred hasher: the next login stores the same password hashed anew.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.ScryptPasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]

    issued = _obtain_token(OLD_PASSWORD)

    assert issued.status_code == HTTPStatus.OK
    assert issued.json()["token"] != old_token
    writer.refresh_from_db()
    assert writer.password.startswith("scrypt$")
    assert _create_hero(old_token).status_code == HTTPStatus.CREATED
    assert _create_hero(issued.json()["token"]).status_code == HTTPStatus.CREATED


def test_password_change_ends_the_users_sessions_too(writer):
    browser = Client()
    browser.force_login(writer)
    assert browser.get(LIST_URL, HTTP_ACCEPT="text/html").context["user"] == writer

    writer.set_password(NEW_PASSWORD)
    writer.save()

    assert browser.get(LIST_URL, HTTP_ACCEPT="text/html").context["user"].is_anonymous
