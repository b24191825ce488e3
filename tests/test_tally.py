from http import HTTPStatus

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from heroes import tally
from heroes.models import Hero

LIST_URL = reverse("hero-list")


def _heroes(count: int) -> list[Hero]:
    return Hero.objects.bulk_create(
        Hero(name=f"Hero {i}", age=i % 50, secret_name="s") for i in range(count)
    )


def test_tally_follows_inserts_and_deletes(db):
    start = tally.total()
    heroes = _heroes(30)
    Hero.objects.create(name="One more", secret_name="s")
    Hero.objects.filter(pk__in=[hero.pk for hero in heroes[:10]]).delete()

    assert tally.total() == Hero.objects.count() == start + 21


def test_tally_follows_raw_sql(db):
    _heroes(5)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO heroes_hero (name, age, secret_name) VALUES ('Raw', 1, 's')")
        cursor.execute("DELETE FROM heroes_hero WHERE name LIKE 'Hero %%'")

    assert tally.total() == Hero.objects.count() == 1


def test_tally_follows_truncate_or_delete_all(db):
    _heroes(5)
    with connection.cursor() as cursor:
        # PostgreSQL has TRUNCATE (a trigger zeroes the tally); SQLite deletes every row.
        cursor.execute(
            "TRUNCATE heroes_hero"
            if connection.vendor == "postgresql"
            else "DELETE FROM heroes_hero"
        )

    assert tally.total() == Hero.objects.count() == 0


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


def test_count_falls_back_to_count_star_without_tally_row(db):
    _heroes(4)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM heroes_herotally")

    assert tally.total() is None
    assert tally.count(Hero.objects.all()) == 4


def test_is_unfiltered_only_for_every_hero(db):
    assert tally.is_unfiltered(Hero.objects.order_by("-name"))
    assert not tally.is_unfiltered(Hero.objects.filter(age=3))
    assert not tally.is_unfiltered(Hero.objects.all()[:5])
    assert not tally.is_unfiltered(Hero.objects.distinct())
