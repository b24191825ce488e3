"""Each ordering, and each seek of a cursor page, reads an index: no sort of the table.

The planner's own EXPLAIN, on SQLite and on PostgreSQL. A handful of rows would let
PostgreSQL prefer a sort, which costs nothing on them; with sorting priced out
(`enable_sort = off`), a sort in the plan means no index could serve the order.
"""

import pytest
from django.db import connection, transaction

from heroes.api import cursors
from heroes.api.filters import ORDERING_TERMS, order_by
from heroes.models import Hero
from tests.factories import SECRET


@pytest.fixture
def heroes(db) -> None:
    Hero.objects.bulk_create(
        Hero(name=f"Hero {i % 7}", age=None if i % 5 == 0 else i % 9, secret_name=SECRET)
        for i in range(200)
    )


def _plan(queryset) -> str:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_sort = off")
                cursor.execute("ANALYZE heroes_hero")
        return queryset.explain()


def _sorts(plan: str) -> bool:
    if connection.vendor == "postgresql":
        return any(line.strip(" ->").startswith("Sort") for line in plan.splitlines())
    return "TEMP B-TREE" in plan


@pytest.mark.parametrize("ordering", ORDERING_TERMS)
def test_first_page_in_each_ordering_reads_an_index(heroes, ordering):
    plan = _plan(Hero.objects.order_by(*order_by(Hero, ordering))[:100])

    assert not _sorts(plan), plan


def _reads_and_drops(plan: str) -> bool:
    if connection.vendor == "postgresql":
        return any(line.strip().startswith("Filter:") for line in plan.splitlines())
    return "SCAN heroes_hero" in plan


@pytest.mark.parametrize("without_age", [True, False])
def test_heroes_with_or_without_age_in_id_order_read_an_index(heroes, without_age):
    # PostgreSQL takes `age IS NULL` for no constant: the (age, id) index is no id order.
    listed = Hero.objects.filter(age__isnull=without_age).order_by(*order_by(Hero, "id"))

    for page in (listed[:100], listed.filter(pk__gt=100)[:101]):
        plan = _plan(page)

        assert not _sorts(plan), plan
        if without_age:  # a tenth of the heroes: found in an index, not by reading them all
            assert not _reads_and_drops(plan), plan


# A cursor at a row without a value: only age has those.
CURSOR_KEYS = [(o, "middle") for o in ORDERING_TERMS] + [
    (o, None) for o in ORDERING_TERMS if o.lstrip("-") == "age"
]


@pytest.mark.parametrize("before", [False, True])
@pytest.mark.parametrize(("ordering", "key"), CURSOR_KEYS)
def test_cursor_page_in_each_ordering_seeks_an_index(heroes, ordering, key, before):
    field = ordering.lstrip("-")
    value = {"id": 100, "name": "Hero 3", "age": 4}[field] if key else None
    position = cursors.Position(ordering, 100 if field == "id" else value, 100, before)
    ordered = Hero.objects.order_by(*order_by(Hero, ordering))
    if before:
        ordered = ordered.reverse()

    for where in cursors.seeks(position, nullable=field == "age"):
        plan = _plan(ordered.filter(where)[:101])

        assert not _sorts(plan), plan
