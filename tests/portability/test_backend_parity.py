"""Behaviour that databases tend to differ on. `make test` runs this file on SQLite and again
on PostgreSQL (whose default collation there is ICU en-US): every expectation holds on both."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from heroes.models import AGE_MAX, NAME_MAX_LENGTH, SECRET_NAME_MAX_LENGTH, Hero
from tests.factories import LIST_URL, SECRET


def names(response) -> list[str]:
    assert response.status_code == HTTPStatus.OK
    return [hero["name"] for hero in response.json()["results"]]


# Code point order: upper case before lower case, "_" between them, letters with
# diacritics after ASCII. A linguistic collation would say alpha, Ä, Beta, ..., Zeta.
CODE_POINT_ORDER = ["Beta", "Zeta", "_under", "alpha", "zeta", "Ärger", "Ωmega", "🦸 Hero"]


@pytest.fixture
def alphabet(make_hero):
    for age, name in enumerate(["zeta", "Ärger", "alpha", "🦸 Hero", "Beta", "_under", "Ωmega"]):
        make_hero(name, age=age)
    make_hero("Zeta", age=None)


def test_list_heroes_ordered_by_name_sorts_by_code_point(api_client, alphabet):
    assert names(api_client.get(LIST_URL, {"ordering": "name"})) == CODE_POINT_ORDER


def test_list_heroes_ordered_by_name_descending_sorts_by_code_point(api_client, alphabet):
    assert names(api_client.get(LIST_URL, {"ordering": "-name"})) == CODE_POINT_ORDER[::-1]


def test_hero_names_compare_by_code_point(alphabet):
    # The same collation decides comparisons, not only ORDER BY.
    below_a = Hero.objects.filter(name__lt="a").order_by("name")

    assert list(below_a.values_list("name", flat=True)) == ["Beta", "Zeta", "_under"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("age", ["zeta", "Ärger", "alpha", "🦸 Hero", "Beta", "_under", "Ωmega", "Zeta"]),
        ("-age", ["Ωmega", "_under", "Beta", "🦸 Hero", "alpha", "Ärger", "zeta", "Zeta"]),
        ("-name", ["🦸 Hero", "Ωmega", "Ärger", "zeta", "alpha", "_under", "Zeta", "Beta"]),
    ],
)
def test_list_heroes_ordered_by_age_puts_heroes_without_age_last(
    api_client, alphabet, ordering, expected
):
    assert names(api_client.get(LIST_URL, {"ordering": ordering})) == expected


@pytest.fixture
def unicode_team(make_hero):
    for name in ["Straßenkämpfer", "ﬁrefly", "Ünïcødé Man", "ǅoker", "Plain Jane"]:
        make_hero(name)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # Both sides are upper-cased with Unicode's full mapping, as Python's str.upper().
        ({"name__icontains": "straßen"}, ["Straßenkämpfer"]),
        ({"name__icontains": "STRASSEN"}, ["Straßenkämpfer"]),
        ({"name__icontains": "KÄMPFER"}, ["Straßenkämpfer"]),
        ({"name__icontains": "ß"}, ["Straßenkämpfer"]),
        ({"name__icontains": "FIRE"}, ["ﬁrefly"]),
        ({"name__icontains": "ǆ"}, ["ǅoker"]),
        ({"name__icontains": "ünïcødé"}, ["Ünïcødé Man"]),
        ({"name__icontains": "ÜNÏCØDÉ MAN"}, ["Ünïcødé Man"]),
        ({"name__icontains": "unicode"}, []),  # case folds, accents stay
        ({"search": "strasse"}, ["Straßenkämpfer"]),
        ({"search": "ÜNÏCØDÉ"}, ["Ünïcødé Man"]),
        ({"search": "firefly"}, ["ﬁrefly"]),
        ({"name": "ünïcødé man"}, []),  # exact match stays case-sensitive
        ({"name": "Ünïcødé Man"}, ["Ünïcødé Man"]),
    ],
)
def test_list_heroes_matches_non_ascii_names_alike(api_client, unicode_team, params, expected):
    assert names(api_client.get(LIST_URL, params)) == expected


@pytest.mark.parametrize("age", [0, AGE_MAX])
def test_create_hero_with_age_at_a_bound_stores_it(writer_client, age):
    response = writer_client.post(
        LIST_URL, {"name": "Bound", "secret_name": SECRET, "age": age}, format="json"
    )

    assert response.status_code == HTTPStatus.CREATED
    assert Hero.objects.get().age == age
    assert names(writer_client.get(LIST_URL, {"age": age})) == ["Bound"]


@pytest.mark.parametrize("age", [-1, AGE_MAX + 1, 2**63])
def test_update_hero_with_age_out_of_range_is_rejected(writer_client, make_hero, age):
    hero = make_hero(age=30)

    response = writer_client.patch(reverse("hero-detail", args=[hero.id]), {"age": age})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == ["age"]
    hero.refresh_from_db()
    assert hero.age == 30


@pytest.mark.parametrize("value", [AGE_MAX + 1, 2**63])
def test_list_heroes_filtered_by_age_out_of_range_is_rejected(api_client, make_hero, value):
    response = api_client.get(LIST_URL, {"age__lte": value})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == ["age__lte"]


# Multi-byte characters: PostgreSQL counts characters in varchar(255), SQLite stores any length.
@pytest.mark.parametrize("char", ["x", "Ü", "Ω", "🦸"])
def test_create_hero_with_longest_names_stores_them(writer_client, char):
    body = {
        "name": char * NAME_MAX_LENGTH,
        "secret_name": char * SECRET_NAME_MAX_LENGTH,
    }

    response = writer_client.post(LIST_URL, body, format="json")

    assert response.status_code == HTTPStatus.CREATED
    hero = Hero.objects.get()
    assert (hero.name, hero.secret_name) == (body["name"], body["secret_name"])


@pytest.mark.parametrize("char", ["x", "🦸"])
@pytest.mark.parametrize("field", ["name", "secret_name"])
def test_create_hero_with_too_long_name_is_rejected(writer_client, char, field):
    body = {"name": "Deadpond", "secret_name": SECRET, field: char * (NAME_MAX_LENGTH + 1)}

    response = writer_client.post(LIST_URL, body, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == [field]
    assert Hero.objects.count() == 0


# PostgreSQL cannot store NUL in text, and UTF-8 cannot encode a lone surrogate: both would
# be a 500 from the driver if they reached the database.
BAD_CHARACTERS = [r"Dead\u0000pond", r"Dead\ud800pond", r"\udfff"]


@pytest.mark.parametrize("value", BAD_CHARACTERS)
@pytest.mark.parametrize("field", ["name", "secret_name"])
def test_create_hero_with_unstorable_character_is_rejected(writer_client, field, value):
    other = "secret_name" if field == "name" else "name"
    raw = f'{{"{field}": "{value}", "{other}": "Fine"}}'

    response = writer_client.post(LIST_URL, raw, content_type="application/json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == [field]
    assert Hero.objects.count() == 0


@pytest.mark.parametrize("value", BAD_CHARACTERS)
def test_update_hero_with_unstorable_character_is_rejected(writer_client, make_hero, value):
    hero = make_hero()

    response = writer_client.patch(
        reverse("hero-detail", args=[hero.id]),
        f'{{"name": "{value}"}}',
        content_type="application/json",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == ["name"]
    hero.refresh_from_db()
    assert hero.name == "Deadpond"


@pytest.mark.parametrize("parameter", ["name", "name__icontains", "search"])
@pytest.mark.parametrize("query", ["%00", "%ED%A0%80", "%FF%FE"])
def test_list_heroes_with_unstorable_bytes_in_query_is_not_an_error(
    api_client, make_hero, parameter, query
):
    # NUL is refused by name; bytes that are not UTF-8 decode to U+FFFD and match nothing.
    make_hero()

    response = api_client.get(f"{LIST_URL}?{parameter}=a{query}b")

    if query == "%00":
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert list(response.json()) == [parameter]
    else:
        assert names(response) == []
