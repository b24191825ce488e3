from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
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


@pytest.fixture(scope="module")
def token_responses() -> dict:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    responses = schema["paths"]["/auth/token/"]["post"]["responses"]
    return {
        int(code): components[_ref_name(response["content"]["application/json"]["schema"])]
        for code, response in responses.items()
    }


def _ref_name(schema: dict) -> str:
    return schema["$ref"].rsplit("/", 1)[-1]


def _assert_documented(response, token_responses) -> None:
    model = token_responses[response.status_code]
    assert set(response.json()) <= set(model["properties"])
    assert set(model.get("required", [])) <= set(response.json())


@pytest.mark.parametrize(
    ("body", "content_type", "status", "keys"),
    [
        ("{bad", "application/json", HTTPStatus.BAD_REQUEST, {"detail"}),
        ("{}", "application/json", HTTPStatus.BAD_REQUEST, {"username", "password"}),
        (
            '{"username": "a", "password": "b"}',
            "application/json",
            HTTPStatus.BAD_REQUEST,
            {"non_field_errors"},
        ),
        ("x", "text/plain", HTTPStatus.UNSUPPORTED_MEDIA_TYPE, {"detail"}),
    ],
)
def test_token_error_bodies_are_their_documented_models(
    api_client, db, token_responses, body, content_type, status, keys
):
    response = api_client.generic("POST", TOKEN_URL, body, content_type=content_type)

    assert response.status_code == status
    assert set(response.json()) == keys
    _assert_documented(response, token_responses)


def test_token_rate_limit_answers_the_documented_error_model(
    api_client, db, settings, token_responses
):
    settings.LOGIN_ATTEMPTS = 1
    credentials = {"username": "a", "password": "b"}
    api_client.post(TOKEN_URL, credentials, format="json")

    response = api_client.post(TOKEN_URL, credentials, format="json")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert set(response.json()) == {"detail"}
    assert int(response["Retry-After"]) > 0
    _assert_documented(response, token_responses)
