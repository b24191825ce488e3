from http import HTTPStatus

import pytest
from django.urls import reverse
from rest_framework import serializers

from heroes.api.serializers import HeroSerializer
from heroes.models import Hero
from heroes.speed import reads
from tests.factories import LIST_URL, OTHER_SPELLINGS, spelled_otherwise


@pytest.fixture
def heroes(db) -> list[Hero]:
    return Hero.objects.bulk_create(
        Hero(name=name, age=age, secret_name="Secret")
        for name, age in [("Deadpond", None), ("Ünïcødé \u2028 Man", 48), ('Quote "Q"', 0)] * 40
    )


def test_list_heroes_json_equals_the_serializers_output(api_client, heroes):
    for params in [{}, {"limit": 7, "offset": 5}, {"age__gte": 0}, {"ordering": "-age"}]:
        response = api_client.get(LIST_URL, params)

        assert response.status_code == HTTPStatus.OK
        page = response.json()["results"]
        ids = [hero["id"] for hero in page]
        in_order = sorted(Hero.objects.filter(id__in=ids), key=lambda hero: ids.index(hero.id))
        assert page == HeroSerializer(in_order, many=True).data


def test_read_hero_json_equals_the_serializers_output(api_client, heroes):
    for hero in heroes[:3]:
        response = api_client.get(reverse("hero-detail", args=[hero.id]))

        assert response.status_code == HTTPStatus.OK
        assert response.json() == HeroSerializer(hero).data
        assert "secret_name" not in response.json()


@pytest.mark.parametrize("raw", ["abc", "1e3", "-1", "9" * 30, "0"])
def test_row_by_id_without_such_hero_is_none(heroes, raw):
    assert reads.row_by_id(Hero, ("id", "name"), raw) is None


@pytest.mark.parametrize("kind", OTHER_SPELLINGS)
def test_row_by_id_with_other_spelling_of_id_is_none(heroes, kind):
    raw = spelled_otherwise(heroes[0].id, kind)

    assert reads.row_by_id(Hero, ("id", "name"), raw) is None
    assert reads.row_by_id(Hero, ("id", "name"), str(heroes[0].id)) is not None


def test_instance_by_id_equals_the_orms(heroes):
    hero = reads.instance_by_id(Hero, str(heroes[1].id))

    stored = Hero.objects.get(pk=heroes[1].id)
    assert (hero.pk, hero.name, hero.age, hero.secret_name) == (
        stored.pk,
        stored.name,
        stored.age,
        stored.secret_name,
    )
    assert not hero._state.adding


def test_public_fields_are_the_readable_plain_fields():
    assert reads.public_fields(HeroSerializer) == ("id", "name", "age")


def test_public_fields_refuse_a_serializer_that_changes_values():
    class Shouting(HeroSerializer):
        def to_representation(self, instance):
            return {
                key: str(value).upper()
                for key, value in super().to_representation(instance).items()
            }

    class Computed(HeroSerializer):
        title = serializers.SerializerMethodField()

        class Meta(HeroSerializer.Meta):
            fields = [*HeroSerializer.Meta.fields, "title"]

        def get_title(self, hero) -> str:
            return hero.name.title()

    assert reads.public_fields(Shouting) is None
    assert reads.public_fields(Computed) is None


def test_few_ages_in_id_order_equals_the_database_order(db):
    Hero.objects.bulk_create(Hero(name=f"H{i}", age=i % 5, secret_name="s") for i in range(90))
    queryset = Hero.objects.filter(age__gte=1, age__lte=3).order_by("id")
    expected = list(queryset.values_list("id", "name", "age"))
    few = reads.FewAgesInIdOrder(queryset, ("id", "name", "age"), 1, 3)

    assert few.count() == len(expected) == 54
    for start, stop in [(0, 10), (10, 40), (50, 150), (0, 2000)]:
        assert few[start:stop] == expected[start:stop]
    assert reads.FewAgesInIdOrder(queryset, ("id",), 0, 99)[0:5] == [
        (row[0],) for row in expected[:5]
    ]
