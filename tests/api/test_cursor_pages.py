"""Keyset pages: `next` and `previous` carry a cursor, and walk every ordering exactly."""

from http import HTTPStatus
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import signing

from heroes.api.filters import ORDERING_TERMS
from heroes.models import Hero
from tests.factories import LIST_URL, SECRET, links

# Ties on name and on age, heroes without an age, ids out of name order.
NAMES_AND_AGES = [
    ("Mira", 30),
    ("Ada", None),
    ("Mira", None),
    ("Zed", 30),
    ("Ada", 30),
    ("Bo", 7),
    ("Mira", 7),
    ("Cy", None),
    ("Ünï", 99),
    ("Bo", 30),
    ("Ada", 7),
]


@pytest.fixture
def crowd(db) -> list[Hero]:
    return Hero.objects.bulk_create(
        Hero(name=name, age=age, secret_name=SECRET) for name, age in NAMES_AND_AGES
    )


def _ids(body: dict) -> list[int]:
    return [hero["id"] for hero in body["results"]]


def _walk(api_client, url: str, link: str = "next") -> list[list[int]]:
    pages = []
    while url:
        response = api_client.get(url)
        assert response.status_code == HTTPStatus.OK
        pages.append(_ids(response.json()))
        url = response.json()[link]
    return pages


def _offset_pages(api_client, query: str, count: int, limit: int) -> list[list[int]]:
    return [
        _ids(api_client.get(f"{LIST_URL}?{query}&limit={limit}&offset={offset}").json())
        for offset in range(0, count, limit)
    ]


@pytest.mark.parametrize("ordering", ORDERING_TERMS)
@pytest.mark.parametrize("limit", [1, 3, 4])
def test_list_heroes_walked_by_next_links_equals_offset_pages(api_client, crowd, ordering, limit):
    walked = _walk(api_client, f"{LIST_URL}?ordering={ordering}&limit={limit}")

    assert walked == _offset_pages(api_client, f"ordering={ordering}", len(crowd), limit)


@pytest.mark.parametrize("ordering", ORDERING_TERMS)
def test_list_heroes_walked_back_by_previous_links_equals_offset_pages(api_client, crowd, ordering):
    last = _walk(api_client, f"{LIST_URL}?ordering={ordering}&limit=3")[-1]
    offset = len(crowd) - len(last)
    start = f"{LIST_URL}?ordering={ordering}&limit=3&offset={offset}"

    walked_back = _walk(api_client, start, link="previous")[1:]

    pages = [
        _ids(api_client.get(f"{LIST_URL}?ordering={ordering}&limit=3&offset={o}").json())
        for o in range(offset - 3, -1, -3)
    ]
    assert walked_back == pages


def test_list_heroes_cursor_page_counts_every_hero_and_links_both_ways(api_client, crowd):
    first = api_client.get(LIST_URL, {"limit": 4, "ordering": "-age"}).json()

    second = api_client.get(first["next"])

    body = second.json()
    assert body["count"] == len(crowd)
    assert body["next"]
    assert body["previous"]
    assert _ids(api_client.get(body["previous"]).json()) == _ids(first)
    assert set(links(second["Link"])) == {"next", "prev", "first"}
    assert "cursor" not in links(second["Link"])["first"]


@pytest.mark.parametrize("ordering", ["name", "-name"])
def test_list_heroes_walked_by_name_past_the_longest_names(api_client, crowd, ordering):
    # The longest cursor: a name of 255 characters outside the BMP, escaped in its JSON.
    longest = [Hero.objects.create(name="🦸" * 255, secret_name=SECRET) for _ in range(2)]

    walked = _walk(api_client, f"{LIST_URL}?ordering={ordering}&limit=1")

    assert sorted(page[0] for page in walked) == sorted(h.id for h in [*crowd, *longest])


def test_list_heroes_cursor_keeps_filters_and_search(api_client, crowd):
    query = "name__icontains=a&age__isnull=false&limit=1"
    expected = [[h.id] for h in crowd if "a" in h.name.lower() and h.age is not None]

    assert _walk(api_client, f"{LIST_URL}?{query}") == expected
    assert _walk(api_client, f"{LIST_URL}?search=mira&ordering=-name&limit=1") == [
        [h.id] for h in crowd if h.name == "Mira"
    ]


def test_list_heroes_cursor_page_answers_304_to_its_etag(api_client, crowd):
    url = api_client.get(LIST_URL, {"limit": 2}).json()["next"]
    etag = api_client.get(url, HTTP_ACCEPT="application/json")["ETag"]

    response = api_client.get(url, HTTP_ACCEPT="application/json", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == HTTPStatus.NOT_MODIFIED


def _cursor(url: str) -> str:
    return parse_qs(urlparse(url).query)["cursor"][0]


def _forged(payload) -> str:
    return signing.Signer(salt="heroes.api.cursors").sign_object(payload)


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "nonsense",
        "WyJpZCIsMywzLGZhbHNlXQ",  # the payload without its signature
        "x" * 7000,
        _forged(["id", 3, 3]),
        _forged(["secret_name", "x", 3, False]),
        _forged(["id", 3, "3", False]),
        _forged(["id", 4, 3, False]),
        _forged(["id", 3, 0, False]),
        _forged(["id", 3, 2**70, False]),
        _forged(["age", "old", 3, False]),
        _forged(["age", -1, 3, False]),
        _forged(["name", 7, 3, False]),
        _forged(["name", "x" * 256, 3, False]),
        _forged(["id", 3, 3, 1]),
        _forged({"id": 3}),
    ],
)
def test_list_heroes_with_malformed_cursor_is_rejected(api_client, crowd, cursor):
    response = api_client.get(LIST_URL, {"cursor": cursor})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == ["cursor"]
    assert SECRET not in response.content.decode()


def test_list_heroes_with_tampered_cursor_is_rejected(api_client, crowd):
    cursor = _cursor(api_client.get(LIST_URL, {"limit": 2}).json()["next"])
    payload, signature = cursor.split(":", 1)
    # The same signature over another position: id 5 instead of 2.
    other = signing.b64_encode(b'["id",5,5,false]').decode()

    response = api_client.get(LIST_URL, {"cursor": f"{other}:{signature}"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == ["cursor"]
    untouched = api_client.get(LIST_URL, {"cursor": f"{payload}:{signature}"})
    assert untouched.status_code == HTTPStatus.OK


def test_list_heroes_with_cursor_of_another_ordering_is_rejected(api_client, crowd):
    url = api_client.get(LIST_URL, {"limit": 2, "ordering": "name"}).json()["next"]

    response = api_client.get(LIST_URL, {"cursor": _cursor(url), "ordering": "-name"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "ordering=name" in response.json()["cursor"][0]


def test_list_heroes_with_cursor_and_offset_is_rejected(api_client, crowd):
    url = api_client.get(LIST_URL, {"limit": 2}).json()["next"]

    response = api_client.get(LIST_URL, {"cursor": _cursor(url), "offset": 2})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == ["offset"]


def test_list_heroes_with_cursor_given_twice_is_rejected(api_client, crowd):
    cursor = _cursor(api_client.get(LIST_URL, {"limit": 2}).json()["next"])

    response = api_client.get(LIST_URL, {"cursor": [cursor, cursor]})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == ["cursor"]


@pytest.mark.parametrize("ordering", ["name", "-name", "age", "-age"])
def test_list_heroes_with_offset_past_the_cap_is_rejected(api_client, crowd, settings, ordering):
    settings.HEROES_MAX_OFFSET = 5

    response = api_client.get(LIST_URL, {"ordering": ordering, "offset": 6})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    (message,) = response.json()["offset"]
    assert "At most 5" in message
    assert "`next`" in message
    at_cap = api_client.get(LIST_URL, {"ordering": ordering, "offset": 5})
    assert at_cap.status_code == HTTPStatus.OK


@pytest.mark.parametrize("ordering", ["id", "-id"])
def test_list_heroes_in_id_order_reads_any_offset(api_client, crowd, settings, ordering):
    settings.HEROES_MAX_OFFSET = 5

    response = api_client.get(LIST_URL, {"ordering": ordering, "offset": 9})

    assert response.status_code == HTTPStatus.OK
    assert len(response.json()["results"]) == 2


def test_list_heroes_cursor_page_in_browsable_api_links_both_ways(api_client, crowd):
    url = api_client.get(LIST_URL, {"limit": 3}).json()["next"]

    response = api_client.get(url, HTTP_ACCEPT="text/html")

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert 'aria-label="Previous"' in html  # the page controls, as on offset pages
    assert 'aria-label="Next"' in html
    assert f"3 heroes of {len(crowd)}" in html
    assert SECRET not in html
