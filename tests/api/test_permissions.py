from http import HTTPStatus

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.test import APIClient

from heroes.models import Hero
from tests.factories import LIST_URL

BODY = {"name": "Deadpond", "secret_name": "Dive Wilson"}
WRITES = [
    ("post", False, BODY),
    ("put", True, BODY),
    ("patch", True, {"age": 1}),
    ("delete", True, None),
]


def _write(client, hero: Hero, method: str, detail: bool, body):
    url = reverse("hero-detail", args=[hero.id]) if detail else LIST_URL
    return getattr(client, method)(url, body, format="json")


WRITES = [
    ("post", False, BODY),
    ("put", True, BODY),
    ("patch", True, {"age": 1}),
    ("delete", True, None),
]


def test_read_heroes_anonymously(api_client, make_hero):
    hero = make_hero()

    assert api_client.get(LIST_URL).status_code == HTTPStatus.OK
    assert api_client.get(reverse("hero-detail", args=[hero.id])).status_code == HTTPStatus.OK
    assert api_client.head(LIST_URL).status_code == HTTPStatus.OK
    assert api_client.options(LIST_URL).status_code == HTTPStatus.OK


@pytest.mark.parametrize(("method", "detail", "body"), WRITES)
def test_write_hero_without_authentication(api_client, make_hero, method, detail, body):
    hero = make_hero(age=30)

    response = _write(api_client, hero, method, detail, body)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert list(Hero.objects.values_list("name", "age")) == [("Deadpond", 30)]


def test_write_hero_with_invalid_token(api_client, make_hero):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = api_client.post(LIST_URL, BODY, format="json")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json() == {"detail": "Invalid token."}
    assert Hero.objects.count() == 0


@pytest.mark.parametrize(("method", "detail", "body"), WRITES)
def test_write_hero_without_permission(reader_client, make_hero, method, detail, body):
    hero = make_hero(age=30)

    response = _write(reader_client, hero, method, detail, body)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json() == {"detail": "You do not have permission to perform this action."}
    assert list(Hero.objects.values_list("name", "age")) == [("Deadpond", 30)]


@pytest.mark.parametrize(
    ("codename", "method", "detail", "body", "status"),
    [
        ("add_hero", "post", False, BODY, HTTPStatus.CREATED),
        ("change_hero", "put", True, BODY, HTTPStatus.OK),
        ("change_hero", "patch", True, {"age": 1}, HTTPStatus.OK),
        ("delete_hero", "delete", True, None, HTTPStatus.NO_CONTENT),
    ],
)
def test_write_hero_with_only_the_matching_permission(
    user_with_permissions, make_hero, codename, method, detail, body, status
):
    hero = make_hero(name="Before", age=30)
    client = user_with_permissions(codename)

    response = _write(client, hero, method, detail, body)

    assert response.status_code == status
    assert Hero.objects.count() == {"post": 2, "delete": 0}.get(method, 1)


def test_delete_hero_with_only_add_permission(user_with_permissions, make_hero):
    hero = make_hero()
    client = user_with_permissions("add_hero")

    response = client.delete(reverse("hero-detail", args=[hero.id]))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Hero.objects.filter(pk=hero.pk).exists()


def test_superuser_may_do_everything(db):
    admin = User.objects.create_superuser("root", password="correct horse battery")
    client = APIClient()
    client.force_authenticate(admin)

    created = client.post(LIST_URL, BODY, format="json")
    url = reverse("hero-detail", args=[created.json()["id"]])
    patched = client.patch(url, {"age": 7}, format="json")
    deleted = client.delete(url)

    assert created.status_code == HTTPStatus.CREATED
    assert patched.status_code == HTTPStatus.OK
    assert patched.json()["age"] == 7
    assert deleted.status_code == HTTPStatus.NO_CONTENT
    assert Hero.objects.count() == 0


def test_write_hero_with_session_needs_csrf(writer):
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="writer", password="correct horse battery")

    response = client.post(LIST_URL, BODY, format="json")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "CSRF" in response.json()["detail"]
    assert Hero.objects.count() == 0
