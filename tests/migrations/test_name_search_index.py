"""The name search index's migrations: 0015 indexes the heroes already stored (pg_trgm's GIN,
SQLite's FTS5 trigrams), 0016 moves SQLite's to a B-tree of suffixes with them, and going
back undoes each step."""

import pytest
from django.core.management import call_command
from django.db import connection

from heroes.models import Hero
from heroes.portability import search_index

pytestmark = pytest.mark.django_db(transaction=True)
TRIGRAMS = "heroes_hero_name_trigrams"
SUFFIXES = search_index.SQLITE_INDEXES[("heroes_hero", "name")]
NAMES = ("Night Hawk", "Straße", "Owl")


def _stored_objects() -> set[str]:
    """The names of the index's tables and triggers (SQLite) or of the table's indexes."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'heroes_hero'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'heroes_hero_name_%'")
        return {name for (name,) in cursor.fetchall()}


def _expected() -> set[str]:
    if connection.vendor == "postgresql":
        return {search_index.POSTGRESQL_INDEX[1]}
    return {
        *search_index.SQLITE_INDEXES.values(),
        search_index.SQLITE_POSITIONS,
        *search_index.expected_triggers(),
    }


def _found(text: str) -> list[str]:
    return [hero.name for hero in Hero.objects.filter(name__icontains=text)]


def _trigram_ids(text: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT rowid FROM "{TRIGRAMS}" WHERE "{TRIGRAMS}" MATCH %s ORDER BY rowid',
            [f'"{text.upper()}"'],
        )
        return [pk for (pk,) in cursor.fetchall()]


@pytest.fixture
def migrate_back():
    """Migrates heroes back to the migration given; forward again after the test."""
    yield lambda target: call_command("migrate", "heroes", target, verbosity=0)
    call_command("migrate", "heroes", verbosity=0)  # whatever the test left


def test_going_back_drops_the_index_and_forward_indexes_every_stored_hero(migrate_back):
    migrate_back("0014_ordering_indexes")
    assert _stored_objects() & _expected() == set()
    # Written while there is no index: only the migrations can index them.
    Hero.objects.bulk_create(Hero(name=name, secret_name="Hidden Hawk") for name in NAMES)

    call_command("migrate", "heroes", verbosity=0)

    assert _stored_objects() >= _expected()
    for text, names in {"hawk": ["Night Hawk"], "STRASSE": ["Straße"], "hidden": []}.items():
        assert _found(text) == names


def test_0016_moves_the_stored_heroes_to_suffixes_and_back_to_trigrams(migrate_back):
    migrate_back("0015_trigram_search")
    # Written before 0016: only the migration can put them in the suffix table.
    Hero.objects.bulk_create(Hero(name=name, secret_name="Hidden Hawk") for name in NAMES)
    hawk, strasse = (Hero.objects.get(name=name).pk for name in NAMES[:2])

    call_command("migrate", "heroes", verbosity=0)

    assert search_index.applied(connection)
    assert _stored_objects() >= _expected()
    assert [_found(text) for text in ("ight haw", "STRASSE", "hidden")] == [
        ["Night Hawk"],
        ["Straße"],
        [],
    ]
    if connection.vendor == "sqlite":
        assert TRIGRAMS not in _stored_objects()

        migrate_back("0015_trigram_search")

        assert TRIGRAMS in _stored_objects()
        assert SUFFIXES not in _stored_objects()
        assert _trigram_ids("haw") == [hawk]
        assert _trigram_ids("SSE") == [strasse]
