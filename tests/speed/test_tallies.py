from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from heroes.models import Hero
from heroes.speed import tallies
from tests.factories import LIST_URL


def _heroes(count: int) -> list[Hero]:
    return Hero.objects.bulk_create(
        Hero(name=f"Hero {i}", age=i % 50, secret_name="s") for i in range(count)
    )


@pytest.mark.speed
def test_tally_follows_inserts_and_deletes(db):
    start = tallies.total()
    heroes = _heroes(30)
    Hero.objects.create(name="One more", secret_name="s")
    Hero.objects.filter(pk__in=[hero.pk for hero in heroes[:10]]).delete()

    assert tallies.total() == Hero.objects.count() == start + 21


@pytest.mark.speed
def test_tally_follows_raw_sql(db):
    _heroes(5)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO heroes_hero (name, age, secret_name) VALUES ('Raw', 1, 's')")
        cursor.execute("DELETE FROM heroes_hero WHERE name LIKE 'Hero %%'")

    assert tallies.total() == Hero.objects.count() == 1


@pytest.mark.speed
def test_tally_follows_truncate_or_delete_all(db):
    _heroes(5)
    with connection.cursor() as cursor:
        # PostgreSQL has TRUNCATE (a trigger zeroes the tally); SQLite deletes every row.
        cursor.execute(
            "TRUNCATE heroes_hero"
            if connection.vendor == "postgresql"
            else "DELETE FROM heroes_hero"
        )

    assert tallies.total() == Hero.objects.count() == 0


@pytest.mark.speed
def test_list_heroes_unfiltered_counts_without_count_query(api_client, db):
    _heroes(7)

    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(LIST_URL)

    assert response.status_code == HTTPStatus.OK
    assert response.json()["count"] == 7
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def test_list_heroes_filtered_counts_matches(api_client, db):
    _heroes(20)

    response = api_client.get(LIST_URL, {"name": "Hero 3"})

    assert response.status_code == HTTPStatus.OK
    assert response.json()["count"] == 1


def test_list_heroes_counts_with_count_star_without_tally_row(api_client, db):
    _heroes(4)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM heroes_herotally")

    response = api_client.get(LIST_URL)

    assert tallies.total() is None
    assert response.json()["count"] == 4


def _count_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def _heroes_some_without_age() -> None:
    Hero.objects.bulk_create(
        Hero(name=f"Hero {i}", age=(None if i % 4 == 0 else i), secret_name="s") for i in range(13)
    )
    Hero.objects.filter(age=5).update(age=None)  # 4 of 13 had no age, now 5


@pytest.mark.speed
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"ordering": "name"}, 13),
        ({"ordering": "-age", "limit": 2}, 13),
        ({"age__isnull": "true"}, 5),
        ({"age__isnull": "false", "ordering": "-age"}, 8),
        ({"age__isnull": ""}, 13),
    ],
)
def test_list_heroes_in_any_order_counts_from_the_tallies(api_client, db, query, expected):
    _heroes_some_without_age()

    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(LIST_URL, query)

    assert response.status_code == HTTPStatus.OK
    assert response.json()["count"] == expected
    assert len(response.json()["results"]) == min(expected, int(query.get("limit", 100)))
    assert not _count_queries(queries)


def test_list_heroes_in_any_order_counts_with_count_star_without_tally_row(api_client, db):
    _heroes_some_without_age()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM heroes_herotally")

    ordered = api_client.get(LIST_URL, {"ordering": "-age"})
    without_age = api_client.get(LIST_URL, {"age__isnull": "true"})

    assert ordered.json()["count"] == 13
    assert without_age.json()["count"] == 5


def test_list_heroes_without_age_filtered_by_name_counts_matches(api_client, db):
    _heroes_some_without_age()

    response = api_client.get(LIST_URL, {"age__isnull": "true", "name": "Hero 4"})

    assert response.json()["count"] == 1


@pytest.mark.speed
def test_with_or_without_age_counts_heroes_with_and_without_an_age(db):
    _heroes_some_without_age()
    Hero.objects.create(name="Ageless", secret_name="s")
    Hero.objects.filter(name="Hero 8").delete()
    Hero.objects.filter(name="Hero 3").update(age=None)

    assert tallies.with_or_without_age(True) == Hero.objects.filter(age__isnull=True).count() == 6
    assert tallies.with_or_without_age(False) == Hero.objects.filter(age__isnull=False).count() == 7


def _between(low: int, high: int) -> int:
    return Hero.objects.filter(age__gte=low, age__lte=high).count()


@pytest.mark.speed
def test_age_tally_follows_inserts_updates_and_deletes(db):
    Hero.objects.bulk_create(
        Hero(name=f"Hero {i}", age=(None if i % 7 == 0 else i % 40), secret_name="s")
        for i in range(400)
    )
    Hero.objects.filter(age=30).update(age=None)
    Hero.objects.filter(age=12).update(age=31)
    Hero.objects.filter(age=31, id__lt=Hero.objects.order_by("id")[50].id).delete()
    hero = Hero.objects.filter(age__isnull=True).first()
    hero.age = 30
    hero.save()

    for low, high in [(30, 31), (0, 39), (12, 12), (0, 0), (50, 60), (31, 30)]:
        assert tallies.count_between(low, high) == _between(low, high)


def _age_tallies() -> list[tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute('SELECT "age", "total" FROM "heroes_heroagetally" WHERE "total" <> 0')
        return sorted(cursor.fetchall())


def _heroes_by_age() -> list[tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute('SELECT COALESCE("age", -1), COUNT(*) FROM "heroes_hero" GROUP BY 1')
        return sorted(cursor.fetchall())


def test_age_tally_follows_batches_that_move_ages_both_ways(db):
    Hero.objects.bulk_create(
        Hero(name=f"Hero {i}", age=(None if i % 9 == 0 else 20 + i % 5), secret_name="s")
        for i in range(90)
    )
    with connection.cursor() as cursor:
        # One statement moves heroes from 20 to 24, from 24 to 20, and from 22 to no age.
        cursor.execute(
            'UPDATE "heroes_hero" SET "age" = CASE "age" WHEN 20 THEN 24 WHEN 24 THEN 20 '
            'WHEN 22 THEN NULL ELSE "age" END'
        )
    Hero.objects.filter(age__isnull=True).update(age=21)
    Hero.objects.filter(age=23).delete()
    Hero.objects.bulk_create(Hero(name=f"Late {i}", age=i % 3, secret_name="s") for i in range(9))

    assert _age_tallies() == _heroes_by_age()
    assert dict(_age_tallies()) == {0: 3, 1: 3, 2: 3, 20: 16, 21: 42, 24: 16}


def test_age_tally_untouched_by_writes_that_keep_every_age(db):
    Hero.objects.bulk_create(Hero(name=f"Hero {i}", age=i % 3, secret_name="s") for i in range(9))

    def tally_rows() -> list[tuple]:
        # A row's ctid (PostgreSQL) changes with every new version of it; SQLite's rowid
        # stays, but its update trigger only fires when an age changes.
        column = "ctid" if connection.vendor == "postgresql" else "rowid"
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT "age", "total", {column} FROM "heroes_heroagetally"')
            return sorted(cursor.fetchall(), key=str)

    before = tally_rows()
    Hero.objects.update(name="Renamed")
    with connection.cursor() as cursor:
        # Ages swapped within one statement: each age keeps its count.
        cursor.execute('UPDATE "heroes_hero" SET "age" = 2 - "age" WHERE "age" IN (0, 2)')

    assert tally_rows() == before
    assert _age_tallies() == _heroes_by_age() == [(0, 3), (1, 3), (2, 3)]


def test_list_heroes_age_range_counts_and_orders_exactly(api_client, db):
    Hero.objects.bulk_create(
        Hero(name=f"Hero {i}", age=30 + i % 3, secret_name="s") for i in range(250)
    )
    expected = list(
        Hero.objects.filter(age__gte=30, age__lte=31).order_by("id").values("id", "name", "age")
    )

    first = api_client.get(LIST_URL, {"age__gte": 30, "age__lte": 31})
    second = api_client.get(LIST_URL, {"age__gte": 30, "age__lte": 31, "offset": 100, "limit": 70})

    assert first.status_code == second.status_code == HTTPStatus.OK
    assert first.json()["count"] == len(expected) == 167
    assert first.json()["results"] == expected[:100]
    assert second.json()["results"] == expected[100:167]


def test_list_heroes_age_range_reads_bounds_as_the_filters_do(api_client, db):
    Hero.objects.bulk_create(Hero(name=f"Hero {i}", age=i, secret_name="s") for i in range(40))

    response = api_client.get(LIST_URL, {"age__gte": "030", "age__lte": "31"})

    assert response.status_code == HTTPStatus.OK
    assert [hero["age"] for hero in response.json()["results"]] == [30, 31]
    assert response.json()["count"] == 2


@pytest.mark.parametrize(
    ("params", "ages"),
    [
        ({"age__gte": "", "age__lte": ""}, [28, 29, 30, 31, 32]),
        ({"age__gte": "30", "age__lte": ""}, [30, 31, 32]),
        ({"age__gte": "", "age__lte": "29"}, [28, 29]),
        ({"age__gte": "31", "age__lte": "30"}, []),
    ],
)
def test_list_heroes_age_range_with_an_open_or_empty_bound(api_client, db, params, ages):
    Hero.objects.bulk_create(Hero(name=f"Hero {i}", age=i, secret_name="s") for i in range(28, 33))

    response = api_client.get(LIST_URL, params)

    assert response.status_code == HTTPStatus.OK
    assert [hero["age"] for hero in response.json()["results"]] == ages
    assert response.json()["count"] == len(ages)


def test_migrated_hero_table_keeps_its_tally_triggers_and_prefix_indexes(db):
    # A migration that makes SQLite rebuild heroes_hero drops these silently: see
    # docs/contributing/changing-the-resource.md.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                ["heroes_hero"],
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger "
                "WHERE NOT tgisinternal AND tgrelid = 'heroes_hero'::regclass"
            )
        triggers = {name for (name,) in cursor.fetchall()}
        indexes = set(connection.introspection.get_constraints(cursor, "heroes_hero"))

    assert {"heroes_hero_tally_insert", "heroes_hero_tally_delete"} <= triggers
    assert {"heroes_hero_age_tally_insert", "heroes_hero_age_tally_update"} <= triggers
    assert {"heroes_hero_name_prefix", "heroes_hero_secret_name_prefix"} <= indexes
