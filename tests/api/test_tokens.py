from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.generators import SchemaGenerator
from knox.crypto import hash_token
from knox.models import AuthToken

from tests.factories import LIST_URL, api_token

TOKEN_URL = reverse("api-token")
CREDENTIALS = {"username": "writer", "password": "correct horse battery"}
HERO = {"name": "Deadpond", "secret_name": "Dive"}


def _create_hero_with(api_client, token: str):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api_client.post(LIST_URL, HERO, format="json")


def test_obtain_token_answers_a_new_token_and_its_expiry(api_client, writer):
    before = timezone.now()

    response = api_client.post(TOKEN_URL, CREDENTIALS, format="json")

    assert response.status_code == HTTPStatus.OK
    assert set(response.json()) == {"token", "expiry"}
    token, expiry = response.json()["token"], parse_datetime(response.json()["expiry"])
    assert len(token) == 64
    assert before + timedelta(days=30) <= expiry <= timezone.now() + timedelta(days=30)
    stored = AuthToken.objects.get(user=writer)
    assert (stored.digest, stored.token_key, stored.expiry) == (
        hash_token(token),
        token[:15],
        expiry,
    )
    assert _create_hero_with(api_client, token).status_code == HTTPStatus.CREATED


def test_obtain_token_twice_gives_two_tokens_that_both_work(api_client, writer):
    first = api_client.post(TOKEN_URL, CREDENTIALS, format="json").json()["token"]
    second = api_client.post(TOKEN_URL, CREDENTIALS, format="json").json()["token"]

    assert first != second
    assert AuthToken.objects.filter(user=writer).count() == 2
    assert _create_hero_with(api_client, first).status_code == HTTPStatus.CREATED
    assert _create_hero_with(api_client, second).status_code == HTTPStatus.CREATED


def test_obtain_token_with_form_body(api_client, writer):
    response = api_client.post(TOKEN_URL, CREDENTIALS)

    assert response.status_code == HTTPStatus.OK
    assert AuthToken.objects.get(user=writer).digest == hash_token(response.json()["token"])


def test_obtain_token_without_expiry_when_the_ttl_is_zero(api_client, writer, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": None}  # DJANGO_TOKEN_TTL=0

    response = api_client.post(TOKEN_URL, CREDENTIALS, format="json")

    assert response.status_code == HTTPStatus.OK
    assert response.json()["expiry"] is None
    assert AuthToken.objects.get(user=writer).expiry is None


def test_obtain_token_with_wrong_password(api_client, writer):
    response = api_client.post(TOKEN_URL, {"username": "writer", "password": "nope"}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}
    assert not AuthToken.objects.exists()


def test_obtain_token_without_fields(api_client, db):
    response = api_client.post(TOKEN_URL, {}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert sorted(response.json()) == ["password", "username"]


@pytest.mark.parametrize("sent", ["garbage", "expired"])
def test_obtain_token_reads_no_token_sent_with_it(api_client, writer, settings, sent):
    # Authentication would refuse both with 401, and delete the expired one.
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(seconds=-1)}
    expired = api_token(writer)
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(days=1)}
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {expired if sent == 'expired' else sent}")

    response = api_client.post(TOKEN_URL, CREDENTIALS, format="json")

    assert response.status_code == HTTPStatus.OK
    assert AuthToken.objects.filter(digest=hash_token(expired)).exists()
    assert AuthToken.objects.filter(digest=hash_token(response.json()["token"])).exists()


def test_obtain_token_stores_no_token_in_any_column(api_client, writer):
    token = api_client.post(TOKEN_URL, CREDENTIALS, format="json").json()["token"]

    stored = AuthToken.objects.values_list().get()

    assert not [value for value in stored if token in str(value)]


@pytest.fixture(scope="module")
def openapi() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_documents_login_answer_with_token_and_expiry(openapi):
    answer = openapi["paths"]["/auth/token/"]["post"]["responses"]["200"]
    token = openapi["components"]["schemas"]["Token"]

    assert answer["content"]["application/json"]["schema"]["$ref"].endswith("/Token")
    assert set(token["required"]) == {"token", "expiry"}
    assert token["properties"]["token"]["type"] == "string"
    assert token["properties"]["expiry"] == {
        "type": "string",
        "format": "date-time",
        "nullable": True,
        "description": "When the token stops working (ISO 8601, UTC); null if it never expires.",
    }


@pytest.mark.parametrize("path", ["/auth/logout/", "/auth/logoutall/"])
def test_schema_documents_logouts_with_a_token_and_no_body(openapi, path):
    operation = openapi["paths"][path]["post"]

    assert operation["security"] == [{"tokenAuth": []}]
    assert "requestBody" not in operation
    assert set(operation["responses"]) == {"204", "401", "503"}
    assert "content" not in operation["responses"]["204"]
    assert operation["responses"]["401"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Error"
    )
    assert openapi["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }


@pytest.fixture(scope="module")
def token_responses(openapi) -> dict:
    components = openapi["components"]["schemas"]
    responses = openapi["paths"]["/auth/token/"]["post"]["responses"]
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
