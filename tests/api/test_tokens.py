from http import HTTPStatus
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token

from heroes.models import Hero

TOKEN_URL = reverse("api-token")


def test_obtain_token(api_client, writer):
    response = api_client.post(
        TOKEN_URL, {"username": "writer", "password": "correct horse battery"}, format="json"
    )

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"token": Token.objects.get(user=writer).key}


def test_obtain_token_with_form_body(api_client, writer):
    response = api_client.post(
        TOKEN_URL, {"username": "writer", "password": "correct horse battery"}
    )

    assert response.status_code == HTTPStatus.OK
    assert response.json()["token"] == Token.objects.get(user=writer).key


def test_obtain_token_with_wrong_password(api_client, writer):
    response = api_client.post(TOKEN_URL, {"username": "writer", "password": "nope"}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}
    assert not Token.objects.exists()


def test_obtain_token_without_fields(api_client, db):
    response = api_client.post(TOKEN_URL, {}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert sorted(response.json()) == ["password", "username"]


def test_token_from_management_command_authorizes_writes(api_client, writer):
    out = StringIO()
    call_command("drf_create_token", "writer", stdout=out)
    key = Token.objects.get(user=writer).key
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = api_client.post(
        reverse("hero-list"), {"name": "Deadpond", "secret_name": "Dive"}, format="json"
    )

    assert key in out.getvalue()
    assert response.status_code == HTTPStatus.CREATED
    assert Hero.objects.count() == 1
