"""Cursors are signed with the secret key: a rotation keeps them while the old key is a fallback."""

from http import HTTPStatus
from urllib.parse import parse_qs, urlparse

import pytest

from tests.factories import LIST_URL


@pytest.mark.parametrize(
    ("fallbacks", "status"),
    [(["old-key-" + "x" * 50], HTTPStatus.OK), ([], HTTPStatus.BAD_REQUEST)],
)
def test_list_heroes_cursor_after_key_rotation(api_client, make_hero, settings, fallbacks, status):
    for name in ("Ada", "Bo", "Cy"):
        make_hero(name)
    settings.SECRET_KEY = "old-key-" + "x" * 50
    cursor = parse_qs(urlparse(api_client.get(LIST_URL, {"limit": 1}).json()["next"]).query)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new-key-" + "y" * 50, fallbacks

    response = api_client.get(LIST_URL, {"cursor": cursor["cursor"][0], "limit": 1})

    assert response.status_code == status
    if status == HTTPStatus.OK:
        assert [hero["name"] for hero in response.json()["results"]] == ["Bo"]
    else:
        assert list(response.json()) == ["cursor"]
