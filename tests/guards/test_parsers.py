from http import HTTPStatus

import pytest

from heroes.models import Hero
from tests.factories import LIST_URL

BOUNDARY = "0d37f771f3609e9b"


def _multipart(*parts: str) -> bytes:
    body = "".join(f"--{BOUNDARY}\r\n{part}\r\n" for part in parts) + f"--{BOUNDARY}--\r\n"
    return body.encode()


def _field(name: str, value: str) -> str:
    return f'Content-Disposition: form-data; name="{name}"\r\n\r\n{value}'


def _post_multipart(client, body: bytes):
    return client.post(LIST_URL, body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


def test_create_hero_with_multipart_body(writer_client):
    body = _multipart(
        _field("name", "Deadpond"), _field("secret_name", "Dive"), _field("age", "30")
    )

    response = _post_multipart(writer_client, body)

    assert response.status_code == HTTPStatus.CREATED
    assert response.json() == {"id": response.json()["id"], "name": "Deadpond", "age": 30}
    assert Hero.objects.get().secret_name == "Dive"


@pytest.mark.parametrize(
    "body",
    [
        _multipart("True"),
        _multipart(_field("name", "Deadpond"), "no headers here"),
        _multipart("Content-Disposition: form-data\r\n\r\nDeadpond"),
        # Found by schemathesis: Django's parser raises on part headers over 1 KB.
        _multipart("x" * 2000),
    ],
    ids=["not-a-form", "part-without-headers", "part-without-name", "oversized-part-headers"],
)
def test_create_hero_with_malformed_multipart_body_is_rejected(writer_client, body):
    response = _post_multipart(writer_client, body)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["detail"].startswith("Multipart form parse error")
    assert not Hero.objects.exists()


def test_create_hero_with_deeply_nested_json_is_rejected(writer_client):
    response = writer_client.post(LIST_URL, "[" * 100_000, content_type="application/json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"detail": "JSON parse error - nested too deeply."}
    assert not Hero.objects.exists()


def test_create_hero_with_invalid_utf8_is_rejected(writer_client):
    body = b'{"name": "Dead\xffpond", "secret_name": "Dive"}'

    response = writer_client.post(LIST_URL, body, content_type="application/json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["detail"].startswith("JSON parse error")
    assert not Hero.objects.exists()


def test_create_hero_with_too_many_form_fields_is_rejected(writer_client):
    body = "&".join(f"field{i}=1" for i in range(2000))

    response = writer_client.post(LIST_URL, body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["detail"].startswith("Form parse error")
    assert not Hero.objects.exists()


def test_create_hero_with_unnamed_extra_multipart_field(writer_client):
    # An empty name is still a name: like any unknown field, it is ignored.
    body = _multipart(_field("name", "Deadpond"), _field("secret_name", "Dive"), _field("", "x"))

    response = _post_multipart(writer_client, body)

    assert response.status_code == HTTPStatus.CREATED
    assert Hero.objects.get().name == "Deadpond"


@pytest.mark.parametrize("charset", ["utf-7", "utf-16", "latin-1", "no-such-charset"])
def test_create_hero_with_json_in_other_charset_is_refused(writer_client, charset):
    body = '{"name": "Deadpond", "secret_name": "Dive"}'.encode(
        "utf-16" if charset == "utf-16" else "ascii"
    )

    response = writer_client.post(
        LIST_URL, body, content_type=f"application/json; charset={charset}"
    )

    assert response.status_code == HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    assert "charset" in response.json()["detail"]
    assert not Hero.objects.exists()


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "utf8"])
def test_create_hero_with_json_declared_utf8_is_stored(writer_client, charset):
    body = '{"name": "Dëadpond", "secret_name": "Dive"}'.encode()

    response = writer_client.post(
        LIST_URL, body, content_type=f"application/json; charset={charset}"
    )

    assert response.status_code == HTTPStatus.CREATED
    assert Hero.objects.get().name == "Dëadpond"


def test_create_hero_with_repeated_json_key_is_refused(writer_client):
    body = '{"name": "Deadpond", "secret_name": "Dive", "name": "Spider-Boy"}'

    response = writer_client.post(LIST_URL, body, content_type="application/json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"name": ["Give this field once."]}
    assert not Hero.objects.exists()


def test_create_hero_with_repeated_form_field_is_refused(writer_client):
    body = "name=Deadpond&secret_name=Dive&age=30&age=31"

    response = writer_client.post(LIST_URL, body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"age": ["Give this field once."]}
    assert not Hero.objects.exists()


def test_create_hero_with_repeated_multipart_field_is_refused(writer_client):
    body = _multipart(
        _field("name", "Deadpond"), _field("secret_name", "Dive"), _field("name", "Rusty-Man")
    )

    response = _post_multipart(writer_client, body)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"name": ["Give this field once."]}
    assert not Hero.objects.exists()


def test_create_hero_with_huge_integer_says_number_too_large(writer_client):
    body = '{"name": "Deadpond", "secret_name": "Dive", "age": ' + "9" * 100_000 + "}"

    response = writer_client.post(LIST_URL, body, content_type="application/json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    detail = response.json()["detail"]
    assert "number too large" in detail
    assert "set_int_max_str_digits" not in detail
    assert not Hero.objects.exists()
