"""Migration 0015 indexes the heroes already stored, and going back drops the index."""

import pytest
from django.core.management import call_command
from django.db import connection

from heroes.models import Hero
from heroes.portability import search_index

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = "0014_ordering_indexes"


def _index_objects() -> set[str]:
    """The names of the index's table and triggers (SQLite) or of its index (PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'heroes_hero'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'heroes_hero_name_tri%'")
        return {name for (name,) in cursor.fetchall()} & _expected()


def _expected() -> set[str]:
    if connection.vendor == "postgresql":
        return {search_index.POSTGRESQL_INDEX[1]}
    return {*search_index.SQLITE_INDEXES.values(), *search_index.expected_triggers()}


@pytest.fixture
def migrated_back():
    call_command("migrate", "heroes", BEFORE, verbosity=0)
    yield
    call_command("migrate", "heroes", verbosity=0)  # whatever the test left


def test_going_back_drops_the_index_and_forward_indexes_every_stored_hero(migrated_back):
    assert _index_objects() == set()
    # Written while there is no index: only the migration can index them.
    Hero.objects.bulk_create(
        Hero(name=name, secret_name="Hidden Hawk") for name in ("Night Hawk", "Straße", "Owl")
    )

    call_command("migrate", "heroes", verbosity=0)

    assert _index_objects() == _expected()
    for text, names in {"hawk": ["Night Hawk"], "STRASSE": ["Straße"], "hidden": []}.items():
        heroes = Hero.objects.filter(name__icontains=text)
        assert [hero.name for hero in heroes] == names
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(
                    'SELECT COUNT(*) FROM "heroes_hero_name_trigrams" '
                    'WHERE "heroes_hero_name_trigrams" MATCH %s',
                    [search_index.sqlite_match(text)],
                )
                assert cursor.fetchone() == (len(names),)
