import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken

from heroes.models import Hero
from heroes.speed.compiled_queries import CompiledQuery


@pytest.mark.speed
def test_prepared_runs_with_new_values_and_compiles_once(make_hero):
    first, second = make_hero("First", age=1), make_hero("Second", age=2)
    by_id = CompiledQuery(lambda pk: Hero.objects.filter(pk=pk).values_list("name", "age"), -1)

    assert by_id.rows(first.pk) == [("First", 1)]
    compiled = by_id._compiled["default"]
    assert by_id.rows(second.pk) == [("Second", 2)]
    assert by_id._compiled["default"] is compiled
    assert by_id.rows(second.pk + 100) == []


def test_prepared_is_logged_like_any_query(make_hero):
    hero = make_hero()
    by_id = CompiledQuery(lambda pk: Hero.objects.filter(pk=pk).values_list("name"), -1)

    with CaptureQueriesContext(connection) as queries:
        by_id.rows(hero.pk)

    assert len(queries) == 1


def test_prepared_with_suffix_parameters(make_hero):
    for index in range(5):
        make_hero(f"Hero {index}")
    page = CompiledQuery(
        lambda: Hero.objects.order_by("pk").values_list("name"), suffix=" LIMIT %s OFFSET %s"
    )

    assert page.rows(extra=(2, 1)) == [("Hero 1",), ("Hero 2",)]


def test_prepared_applies_the_backends_converters(writer):
    token, _ = AuthToken.objects.create(user=writer)
    prepared = CompiledQuery(
        lambda key: AuthToken.objects.filter(token_key=key).values_list("created"), "k"
    )

    assert prepared.rows(token.token_key) == [(AuthToken.objects.get().created,)]


@pytest.mark.speed
def test_prepared_refuses_parameters_that_are_not_markers(db):
    constant = CompiledQuery(
        lambda pk: Hero.objects.filter(pk=pk, name="fixed").values_list("id"), -1
    )

    with pytest.raises(ImproperlyConfigured, match="not all markers"):
        constant.rows(1)


def test_prepared_refuses_repeated_markers():
    with pytest.raises(ImproperlyConfigured, match="distinct"):
        CompiledQuery(lambda a, b: Hero.objects.none(), -1, -1)
