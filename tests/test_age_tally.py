from http import HTTPStatus

import pytest
from django.urls import reverse

from heroes import age_tally
from heroes.models import Hero

LIST_URL = reverse("hero-list")


def _between(low: int, high: int) -> int:
    return Hero.objects.filter(age__gte=low, age__lte=high).count()


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
        assert age_tally.count_between(low, high) == _between(low, high)


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
