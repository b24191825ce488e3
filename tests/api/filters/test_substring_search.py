"""`name__icontains` and `search` through the name's trigram index: the full scan's heroes,
order and count, on the JSON path and the browsable API's, with the speed layer on or off."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import LIST_URL

# Names whose upper case differs in length or letters from what was typed; \u0131 is the
# dotless i.
NAMES = [
    "Straße Hawk",
    "STRASSE Owl",
    "ﬁre Hawk 50%",
    "Fire_Hawk 5",
    "Iron Hawk",
    "I\u0131ron Fist",
    "Hawkeye",
]


@pytest.fixture
def heroes(make_hero):
    return [make_hero(name, secret_name="Secret Hawkmoon") for name in NAMES]


def _answer(client, parameter: str, text: str, **extra) -> tuple[list[str], int]:
    response = client.get(LIST_URL, {parameter: text, **extra})
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    return [hero["name"] for hero in body["results"]], body["count"]


@pytest.mark.parametrize("parameter", ["name__icontains", "search"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hawk", ["Straße Hawk", "ﬁre Hawk 50%", "Fire_Hawk 5", "Iron Hawk", "Hawkeye"]),
        ("STRASSE", ["Straße Hawk", "STRASSE Owl"]),
        ("straße", ["Straße Hawk", "STRASSE Owl"]),
        ("FIRE", ["ﬁre Hawk 50%", "Fire_Hawk 5"]),
        ("0%", ["ﬁre Hawk 50%"]),  # % and _ are the characters themselves
        ("e_h", ["Fire_Hawk 5"]),
        ("%", ["ﬁre Hawk 50%"]),
        ("_", ["Fire_Hawk 5"]),
        ("ss", ["Straße Hawk", "STRASSE Owl"]),
        ("\u0131\u0131", ["I\u0131ron Fist"]),  # dotless i upper-cases to I: "IIRON"
        ("moon", []),  # only secret names hold it
    ],
)
def test_list_heroes_substring_search_finds_what_a_scan_finds(
    api_client, heroes, parameter, text, expected
):
    assert _answer(api_client, parameter, text) == (expected, len(expected))


def test_list_heroes_search_with_two_terms_finds_names_holding_both(api_client, heroes):
    assert _answer(api_client, "search", "hawk iron") == (["Iron Hawk"], 1)


def test_list_heroes_substring_search_keeps_the_order_asked(api_client, heroes):
    found, count = _answer(api_client, "name__icontains", "hawk", ordering="-name")

    assert found == sorted(found, reverse=True)
    assert count == 5


def test_list_heroes_substring_search_pages_as_the_scan_does(api_client, heroes):
    found, count = _answer(api_client, "search", "hawk", limit=2, offset=2)

    assert (found, count) == (["Fire_Hawk 5", "Iron Hawk"], 5)


@pytest.mark.parametrize("parameter", ["name__icontains", "search"])
def test_list_heroes_substring_search_reads_the_index(api_client, heroes, parameter):
    with CaptureQueriesContext(connection) as queries:
        _answer(api_client, parameter, "hawk")

    searches = [q["sql"] for q in queries if "LIKE" in q["sql"]]
    assert searches
    if connection.vendor == "sqlite":
        assert all("heroes_hero_name_suffixes" in sql for sql in searches)
    else:
        # The expression of the trigram index, which the planner then reads.
        assert all("octet_length" in sql for sql in searches)


def test_browsable_api_substring_search_finds_what_json_finds(client, heroes):
    response = client.get(LIST_URL, {"search": "strasse"}, HTTP_ACCEPT="text/html")

    assert response.status_code == HTTPStatus.OK
    assert response.content.count(b"Stra\xc3\x9fe Hawk") >= 1
    assert b"STRASSE Owl" in response.content
