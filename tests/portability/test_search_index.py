"""The name search index (SQLite: migration 0016's suffixes, PostgreSQL: 0015's trigrams): kept
in step by every write, read by searches of three characters or more, checked (heroes.E005,
heroes.E006) and rebuilt by a command."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import DataError, IntegrityError, connection, transaction

from heroes import seeding
from heroes.history.restore import restore
from heroes.models import Hero
from heroes.portability import search_index
from heroes.portability.search_checks import check_search_index

pytestmark = pytest.mark.django_db
SUFFIXES = "heroes_hero_name_suffixes"


def _indexed_ids(text: str) -> list[int]:
    """The heroes the index alone offers for `text` (SQLite), or that it finds (PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f'SELECT DISTINCT "hero_id" FROM "{SUFFIXES}" '
                'WHERE "suffix" >= %s AND "suffix" < %s ORDER BY "hero_id"',
                search_index.sqlite_range(text),
            )
            return [pk for (pk,) in cursor.fetchall()]
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_indexscan", "jit"):
            cursor.execute(f"SET LOCAL {setting} = off")
        heroes = Hero.objects.filter(name__icontains=text)
        assert search_index.POSTGRESQL_INDEX[1] in heroes.explain()
        return list(heroes.values_list("id", flat=True))


def _errors() -> list:
    return check_search_index(databases=["default"])


def test_writes_keep_the_index_in_step():
    kept = Hero.objects.create(name="Straße Hawk", secret_name="Hidden Owl")
    renamed = Hero.objects.create(name="Old Name", secret_name="s")
    gone = Hero.objects.create(name="Gone Hawk", secret_name="s")

    renamed.name = "New Hawk"
    renamed.save()
    Hero.objects.filter(pk=gone.pk).delete()

    assert _indexed_ids("hawk") == [kept.pk, renamed.pk]
    assert _indexed_ids("STRASSE") == [kept.pk]
    assert _indexed_ids("old name") == []
    assert _indexed_ids("hidden owl") == []  # the secret name is never indexed


def test_a_bulk_update_and_delete_keep_the_index_in_step():
    Hero.objects.bulk_create(Hero(name=f"Bulk {n}", secret_name="s") for n in range(3))

    Hero.objects.filter(name="Bulk 1").update(name="Moved 1")
    Hero.objects.filter(name="Bulk 2").delete()

    assert _indexed_ids("bulk") == [Hero.objects.get(name="Bulk 0").pk]
    assert len(_indexed_ids("moved")) == 1


def test_seeded_heroes_are_indexed_and_written_ones_after_them_too():
    Hero.objects.create(name="Before Seeding", secret_name="s")

    seeding.insert(seeding.generate(300, seed=3), 300)
    after = Hero.objects.create(name="After Seeding", secret_name="s")

    assert _errors() == []
    assert len(_indexed_ids("seeding")) == 2
    assert _indexed_ids("after seeding") == [after.pk]
    for hero in Hero.objects.order_by("?")[:20]:
        assert hero.pk in _indexed_ids(hero.name)
    if connection.vendor == "postgresql":
        # Nothing left in the GIN index's pending list, which every search would read.
        index = f'"{search_index.POSTGRESQL_INDEX[1]}"'
        with connection.cursor() as cursor:
            cursor.execute("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [index])
            assert cursor.fetchone() == (["fastupdate=off"],)
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
            assert cursor.fetchone() == (0,)


def test_heroes_restored_from_history_or_loaded_from_a_fixture_are_indexed(tmp_path):
    restored = Hero.objects.create(name="Restored Hawk", secret_name="s")
    restored.name = "Renamed Hawk"
    restored.save()
    first = Hero.history.filter(id=restored.pk).earliest("history_id")
    loaded = Hero.objects.create(name="Loaded Hawk", secret_name="s").pk
    fixture = tmp_path / "heroes.json"
    call_command("dumpdata", "heroes.hero", f"--pks={loaded}", output=fixture, verbosity=0)
    Hero.objects.filter(pk=loaded).delete()

    restore(first.instance, first)
    call_command("loaddata", fixture, verbosity=0)

    assert _indexed_ids("restored hawk") == [restored.pk]
    assert _indexed_ids("renamed") == []
    assert _indexed_ids("loaded hawk") == [loaded]


@pytest.mark.parametrize(("text", "reads_index"), [("a", False), ("ab", False), ("abc", True)])
def test_only_texts_of_three_characters_or_more_read_the_index(text, reads_index):
    query = str(Hero.objects.filter(name__icontains=text).query)

    if connection.vendor == "sqlite":
        assert (SUFFIXES in query) is reads_index
    else:
        # The same comparison for every text; the planner reads the index when it can.
        assert "octet_length" in query


def test_the_secret_name_has_no_substring_index():
    query = str(Hero.objects.filter(secret_name__icontains="hidden").query)

    assert SUFFIXES not in query
    assert "secret_name" not in "".join(search_index.statements(connection.vendor)[0])


def test_the_migrated_database_has_the_whole_index():
    assert _errors() == []


def test_a_dropped_trigger_is_an_error_naming_the_command_that_rebuilds_the_index():
    if connection.vendor == "postgresql":
        dropped = search_index.POSTGRESQL_INDEX[1]
        statement = f'DROP INDEX "{dropped}"'
    else:
        dropped = f"{SUFFIXES}_insert"
        statement = f'DROP TRIGGER "{dropped}"'
    with connection.cursor() as cursor:
        cursor.execute(statement)

    errors = _errors()

    assert [error.id for error in errors] == ["heroes.E005"]
    assert repr(dropped) in errors[0].msg
    assert "python manage.py restore_search_index --database default" in errors[0].hint
    with pytest.raises(SystemCheckError, match="restore_search_index"):
        call_command("check", databases=["default"])


def test_a_changed_trigger_is_an_error():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's triggers; PostgreSQL has an index only")
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TRIGGER "{SUFFIXES}_delete"')
        cursor.execute(
            f'CREATE TRIGGER "{SUFFIXES}_delete" AFTER DELETE ON "heroes_hero" BEGIN SELECT 1; END'
        )

    assert [error.id for error in _errors()] == ["heroes.E006"]


def test_the_command_rebuilds_the_index_with_heroes_written_without_it():
    Hero.objects.create(name="Indexed Hawk", secret_name="s")
    with connection.cursor() as cursor:
        for statement in search_index.statements(connection.vendor)[1]:
            if "EXTENSION" not in statement:
                cursor.execute(statement)
    missed = Hero.objects.create(name="Missed Hawk", secret_name="s")

    call_command("restore_search_index", verbosity=0)

    assert _errors() == []
    assert _indexed_ids("hawk") == [missed.pk - 1, missed.pk]
    assert list(Hero.objects.filter(name__icontains="missed hawk")) == [missed]


def test_a_text_asks_the_index_for_the_suffixes_that_begin_with_it_upper_cased():
    assert search_index.sqlite_range("Straße") == ("STRASSE", "STRASSF")
    assert search_index.sqlite_range("ab") is None
    assert search_index.sqlite_range("ﬁ") is None  # one character, "FI" upper-cased


def test_a_text_longer_than_a_suffix_row_asks_for_its_first_characters():
    assert search_index.sqlite_range("abcdefghijklmnopqrstuvwxyz") == (
        "ABCDEFGHIJKLMNOP",
        "ABCDEFGHIJKLMNOQ",
    )


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("ab\ud7ff", ("AB\ud7ff", "AB\ue000")),  # past the surrogates, which UTF-8 cannot hold
        ("ab\U0010ffff", ("AB\U0010ffff", "AC")),  # past the last code point: one back
        ("\U0010ffff" * 3, None),
    ],
)
def test_the_range_ends_past_every_text_that_begins_with_it(text, bounds):
    assert search_index.sqlite_range(text) == bounds


def test_names_at_the_range_edges_are_found():
    found = Hero.objects.create(name="ab\U0010ffffz", secret_name="s")
    Hero.objects.create(name="ac", secret_name="s")
    Hero.objects.create(name="x\U0010ffff" * 3, secret_name="s")

    assert list(Hero.objects.filter(name__icontains="b\U0010ffff")) == [found]
    assert list(Hero.objects.filter(name__icontains="AB\U0010ffffZ")) == [found]
    assert Hero.objects.filter(name__icontains="\U0010ffff" * 3).count() == 0
    assert Hero.objects.filter(name__icontains="\U0010ffffx\U0010ffff").count() == 1


def test_the_longest_name_upper_cased_is_indexed_to_its_end():
    # "ﬃ" upper-cases to "FFI": 255 of them fold to 765 characters, every position of which
    # has its row.
    longest = Hero.objects.create(name="ﬃ" * 254 + "z", secret_name="s")

    assert list(Hero.objects.filter(name__icontains="ffiz")) == [longest]
    assert list(Hero.objects.filter(name__icontains="iffi")) == [longest]
    assert len(_indexed_ids("FIZ")) == 1


def test_a_name_that_repeats_a_suffix_row_is_written_by_an_upsert():
    hero = Hero.objects.create(name="Owl", secret_name="s")

    Hero.objects.bulk_create(
        [Hero(id=hero.pk, name="A" * 20, secret_name="s")],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["name"],
    )

    assert Hero.objects.get(pk=hero.pk).name == "A" * 20
    assert list(Hero.objects.filter(name__icontains="a" * 18)) == [hero]
    assert list(Hero.objects.filter(name__icontains="owl")) == []


def test_a_name_longer_than_the_model_allows_is_refused_not_left_unsearchable():
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Hero.objects.create(name="x" * 800 + "needle", secret_name="s")
    kept = Hero.objects.create(name="Short", secret_name="s")

    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Hero.objects.filter(pk=kept.pk).update(name="x" * 256)

    assert list(Hero.objects.values_list("name", flat=True)) == ["Short"]


def test_a_text_with_a_nul_scans():
    assert search_index.sqlite_range("abc\x00") is None
