import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from heroes.models import Hero


def _indexed_columns() -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Hero._meta.db_table)
    return {
        c["columns"][0]
        for c in constraints.values()
        if c["index"] and not c["primary_key"] and c["columns"]
    }


@pytest.mark.django_db
def test_name_and_age_are_indexed():
    assert {"name", "age"} <= _indexed_columns()


@pytest.mark.django_db
def test_secret_name_is_indexed_only_for_the_admin_search():
    # The API never searches or sorts by it; the admin's prefix search (staff only) does.
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Hero._meta.db_table)
    # PostgreSQL reports no columns for an index on an expression: its name tells.
    indexes = {
        name
        for name, c in constraints.items()
        if c["index"] and ("secret_name" in (c["columns"] or []) or "secret_name" in name)
    }

    assert indexes == {"heroes_hero_secret_name_prefix"}


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A handful of rows would make a full scan cheapest: ask whether an index can
            # serve the query at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.parametrize("ordering", ["name", "-name", "age"])
def test_list_heroes_ordered_reads_the_index(api_client, make_hero, ordering):
    for name in ("Deadpond", "Spider-Boy", "Rusty-Man"):
        make_hero(name, age=30)

    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(reverse("hero-list"), {"ordering": ordering})
    select = next(q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"])
    plan = _plan(select)

    assert response.status_code == 200
    column = ordering.lstrip("-")
    assert re.search(rf"\bhero_{column}(_desc)?_id\b", plan), plan
    if connection.vendor == "postgresql":
        assert "Index Scan" in plan, plan
    else:
        assert "USING INDEX" in plan, plan


@pytest.mark.django_db
def test_database_refuses_negative_age():
    with pytest.raises(IntegrityError):
        Hero.objects.create(name="Deadpond", secret_name="Dive", age=-1)


def test_hero_str_is_its_name():
    assert str(Hero(name="Deadpond")) == "Deadpond"


@pytest.mark.django_db
def test_save_hero_counts_each_write_in_its_version():
    hero = Hero.objects.create(name="Deadpond", secret_name="Dive Wilson")
    assert hero.version == 1

    hero.name = "Deadpool"
    hero.save()
    hero.age = 30
    hero.save(update_fields=["age"])
    hero.save(update_fields=["age"])  # no change: the version stays

    assert hero.version == 3
    assert Hero.objects.values_list("name", "version").get(pk=hero.pk) == ("Deadpool", 3)


@pytest.mark.django_db
@pytest.mark.parametrize("update_fields", [None, ["name"]])
def test_save_hero_deleted_meanwhile_raises_does_not_exist_and_inserts_nothing(update_fields):
    hero = Hero.objects.create(name="Deadpond", secret_name="Dive Wilson")
    Hero.objects.filter(pk=hero.pk).delete()

    hero.name = "Deadpool"
    with transaction.atomic():
        with pytest.raises(Hero.DoesNotExist):
            hero.save(update_fields=update_fields)
        # No database error: the transaction goes on.
        assert not Hero.objects.filter(pk=hero.pk).exists()

    assert not Hero.objects.exists()


@pytest.mark.django_db
def test_save_hero_read_in_part_writes_only_what_was_read():
    hero = Hero.objects.create(name="Deadpond", age=30, secret_name="Dive Wilson")
    partial = Hero.objects.only("name").get(pk=hero.pk)

    partial.name = "Deadpool"
    with CaptureQueriesContext(connection) as queries:
        partial.save()

    # One UPDATE of the name: the age, never read, is not written.
    (update,) = [
        query["sql"] for query in queries if query["sql"].startswith('UPDATE "heroes_hero"')
    ]
    assert '"name" =' in update
    assert '"age" =' not in update
    assert Hero.objects.values_list("name", "age", "version").get(pk=hero.pk) == (
        "Deadpool",
        30,
        2,
    )
    # Its history entry holds the whole row as the UPDATE left it.
    assert Hero.history.values_list("name", "age", "version").first() == ("Deadpool", 30, 2)
