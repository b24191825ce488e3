import pytest
from django.db import IntegrityError, connection

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
def test_database_refuses_negative_age():
    with pytest.raises(IntegrityError):
        Hero.objects.create(name="Deadpond", secret_name="Dive", age=-1)


def test_hero_str_is_its_name():
    assert str(Hero(name="Deadpond")) == "Deadpond"
