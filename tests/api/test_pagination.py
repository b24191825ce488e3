from http import HTTPStatus
from urllib.parse import parse_qs, urlparse

import pytest

from heroes.models import Hero
from tests.factories import LIST_URL, links


@pytest.fixture
def heroes(db) -> list[Hero]:
    return Hero.objects.bulk_create(
        Hero(name=f"Hero {i:03}", age=i, secret_name=f"Secret {i}") for i in range(150)
    )


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def test_list_heroes_defaults_to_100_ordered_by_id(api_client, heroes):
    response = api_client.get(LIST_URL)

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["count"] == 150
    assert [h["id"] for h in body["results"]] == [h.id for h in heroes[:100]]
    # A keyset link: the cursor says where the next page starts.
    assert sorted(_query(body["next"])) == ["cursor", "limit"]
    assert _query(body["next"])["limit"] == ["100"]
    assert body["previous"] is None


def test_list_heroes_caps_limit_at_100(api_client, heroes):
    response = api_client.get(LIST_URL, {"limit": 1000})

    assert response.status_code == HTTPStatus.OK
    assert len(response.json()["results"]) == 100
    assert _query(response.json()["next"])["limit"] == ["100"]


def test_list_heroes_with_huge_limit_is_capped(api_client, heroes):
    response = api_client.get(LIST_URL, {"limit": "1" + "0" * 30})

    assert response.status_code == HTTPStatus.OK
    assert len(response.json()["results"]) == 100


def test_list_heroes_with_limit_and_offset(api_client, heroes):
    response = api_client.get(LIST_URL, {"limit": 10, "offset": 145})

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert [h["name"] for h in body["results"]] == [f"Hero {i:03}" for i in range(145, 150)]
    assert body["next"] is None
    assert sorted(_query(body["previous"])) == ["cursor", "limit"]
    previous = api_client.get(body["previous"]).json()["results"]
    assert [h["name"] for h in previous] == [f"Hero {i:03}" for i in range(135, 145)]


def test_list_heroes_following_next_links_visits_every_hero_once(api_client, heroes):
    seen, url = [], f"{LIST_URL}?limit=40"
    while url:
        body = api_client.get(url).json()
        seen += [h["id"] for h in body["results"]]
        url = body["next"]

    assert seen == [h.id for h in heroes]


def test_list_heroes_with_offset_past_the_end_is_empty(api_client, heroes):
    response = api_client.get(LIST_URL, {"offset": "9" * 40})

    assert response.status_code == HTTPStatus.OK
    assert response.json()["results"] == []
    assert response.json()["count"] == 150


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"limit": 0}, ["limit"]),
        ({"limit": -1}, ["limit"]),
        ({"limit": "ten"}, ["limit"]),
        ({"limit": "1.5"}, ["limit"]),
        ({"limit": ""}, ["limit"]),
        ({"offset": -1}, ["offset"]),
        ({"offset": "x"}, ["offset"]),
        ({"offset": " 1"}, ["offset"]),
        ({"limit": "x", "offset": "y"}, ["limit", "offset"]),
    ],
)
def test_list_heroes_with_invalid_pagination_is_rejected(api_client, heroes, params, errors):
    response = api_client.get(LIST_URL, params)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert sorted(response.json()) == errors


def test_list_heroes_link_header_names_next_prev_and_first(api_client, heroes):
    response = api_client.get(LIST_URL, {"limit": 10, "offset": 20, "name__icontains": ""})
    body = response.json()

    named = links(response["Link"])
    assert named == {
        "next": body["next"],
        "prev": body["previous"],
        "first": "http://testserver/heroes/?limit=10&name__icontains=",
    }
    following = api_client.get(named["next"]).json()["results"]
    assert [h["id"] for h in following] == [h.id for h in heroes[30:40]]
    assert api_client.get(named["first"]).json()["results"][0]["id"] == Hero.objects.first().id


def test_list_heroes_first_page_links_only_next_and_first(api_client, heroes):
    response = api_client.get(LIST_URL, {"limit": 10})

    assert set(links(response["Link"])) == {"next", "first"}


@pytest.mark.parametrize("offset", [None, 0, 140, 500])
def test_list_heroes_first_link_carries_the_applied_limit(api_client, heroes, offset):
    query = {"limit": 500} if offset is None else {"limit": 500, "offset": offset}

    response = api_client.get(LIST_URL, query)

    assert links(response["Link"])["first"] == "http://testserver/heroes/?limit=100"


# Found by an outside attack: 255 CJK characters, percent-encoded, repeated in three links.
LONG_NAME = "英" * 255


@pytest.mark.parametrize("parameter", ["name__icontains", "search"])
def test_list_heroes_with_long_query_leaves_link_header_out_body_links_in(
    api_client, heroes, parameter
):
    Hero.objects.bulk_create(Hero(name=LONG_NAME, secret_name="x") for _ in range(3))

    response = api_client.get(LIST_URL, {parameter: LONG_NAME, "limit": 1, "offset": 1})

    assert response.status_code == HTTPStatus.OK
    assert response.json()["count"] == 3
    assert _query(response.json()["next"])[parameter] == [LONG_NAME]
    assert _query(response.json()["previous"])[parameter] == [LONG_NAME]
    assert "Link" not in response


def test_list_heroes_with_short_query_has_link_header(api_client, heroes):
    response = api_client.get(LIST_URL, {"name__icontains": "Hero", "limit": 1})

    assert response.status_code == HTTPStatus.OK
    assert 'rel="next"' in response["Link"]
