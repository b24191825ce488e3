from http import HTTPStatus

import pytest
from django.urls import reverse

from heroes.models import Hero
from tests.factories import LIST_URL


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        (LIST_URL, "application/json"),
        (LIST_URL, "application/x-www-form-urlencoded"),
        (LIST_URL, "multipart/form-data; boundary=x"),
        (reverse("api-token"), "application/json"),
        (reverse("admin:login"), "application/x-www-form-urlencoded"),
    ],
)
def test_post_body_over_the_limit_is_refused_before_it_is_read(
    writer_client, settings, path, content_type
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = writer_client.post(path, b" " * 1001, content_type=content_type)

    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert response.json() == {"detail": "Request body too large; the limit is 1000 bytes."}
    assert not Hero.objects.exists()


def test_post_body_at_the_limit_is_read(writer_client, settings):
    body = b'{"name": "Deadpond", "secret_name": "Dive"}'
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = len(body)

    response = writer_client.post(LIST_URL, body, content_type="application/json")

    assert response.status_code == HTTPStatus.CREATED
    assert Hero.objects.get().name == "Deadpond"
