"""The substring index of hero names, as substring search reads it.

`icontains` on an indexed column (heroes.portability.lookups) asks the index for the rows
that may match, then confirms each with its own comparison: the answer is the full scan's.
PostgreSQL: pg_trgm's GIN index (migration 0015). SQLite: a B-tree of the names' suffixes
(migration 0016, which replaced 0015's FTS5 table). The SQL is read from the migrations
themselves: the database check compares the database with it (heroes.portability.checks),
and `manage.py restore_search_index` runs it again.
"""

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db.migrations.recorder import MigrationRecorder

APP = "heroes"
# The migration that made each backend's index as it is now.
MIGRATIONS = {"sqlite": "0016_name_suffixes", "postgresql": "0015_trigram_search"}
RESTORE_COMMAND = "python manage.py restore_search_index"
# (table, column) -> the SQLite table of that column's suffixes, upper-cased.
SQLITE_INDEXES = {("heroes_hero", "name"): "heroes_hero_name_suffixes"}
# The numbers its triggers cut names at.
SQLITE_POSITIONS = "heroes_hero_name_positions"
# The PostgreSQL index, on the expression the lookup compares.
POSTGRESQL_INDEX = ("heroes_hero", "heroes_hero_name_trigram")
# Shorter texts have no suffix row to look up: they scan.
MIN_LENGTH = 3


def _migration(vendor: str):
    return importlib.import_module(
        f"{APP}.migrations.{MIGRATIONS.get(vendor, MIGRATIONS['sqlite'])}"
    )


def statements(vendor: str) -> tuple[list[str], list[str]]:
    """The (made, undone) statements of this backend's index."""
    return _migration(vendor).STATEMENTS.get(vendor, ([], []))


def applied(connection) -> bool:
    """Whether the index's migration is applied: before that there is nothing to check."""
    recorder = MigrationRecorder(connection)
    migration = (APP, MIGRATIONS.get(connection.vendor, MIGRATIONS["sqlite"]))
    return recorder.has_table() and migration in recorder.applied_migrations()


def expected_triggers() -> dict[str, str]:
    """SQLite: trigger name -> its CREATE TRIGGER statement."""
    prefix = 'CREATE TRIGGER "'
    return {
        statement.removeprefix(prefix).split('"', 1)[0]: statement
        for statement in statements("sqlite")[0]
        if statement.startswith(prefix)
    }


def restore_statements(vendor: str) -> list[str]:
    """Drops the index (and on SQLite its tables and triggers) and builds it again from the
    heroes stored, as its migration did."""
    made, undone = statements(vendor)
    return undone + made


def sqlite_range(text: str) -> tuple[str, str] | None:
    """The range of suffix rows that names holding `text` in any case have: (first, past
    the last). None for a text too short to have rows, or one no range can bound (those
    scan).

    A row holds at most SUFFIX_LENGTH characters, so a longer text asks for its first ones;
    the lookup's own comparison then drops the names that go on differently.
    """
    folded = text.upper()
    # SQLite's LIKE ends its pattern at a NUL: the scan's answer, not this range's.
    if len(text) < MIN_LENGTH or "\x00" in text:
        return None
    low = folded[: _migration("sqlite").SUFFIX_LENGTH]
    # Past every text that begins with `low`: its last character one code point on (SQLite
    # compares text as UTF-8 bytes, which sort as code points do).
    head = low.rstrip(chr(0x10FFFF))
    if not head:
        return None
    following = ord(head[-1]) + 1
    if 0xD800 <= following <= 0xDFFF:  # surrogates are not characters: past them
        following = 0xE000
    return low, head[:-1] + chr(following)


@contextmanager
def filled_after_load(cursor, table: str) -> Iterator[None]:
    """The index kept up to date the fast way during a bulk load of new rows into `table`.

    SQLite: the triggers dropped for the load, and the rows it added (ids above the largest
    before it) indexed in one statement afterwards, far faster than one at a time.
    PostgreSQL: the GIN index's pending list on for the load (rows are added to the index in
    batches), then emptied and off again. Inside the load's
    transaction, so no other connection ever writes a hero without the index.
    """
    vendor = cursor.db.vendor
    if vendor == "postgresql" and table == POSTGRESQL_INDEX[0]:
        with _postgresql_pending_list(cursor):
            yield
        return
    if vendor != "sqlite" or (table, "name") not in SQLITE_INDEXES:
        yield
        return
    triggers = expected_triggers()
    marks = ", ".join(["%s"] * len(triggers))
    cursor.execute(
        f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
        list(triggers),
    )
    if len(cursor.fetchall()) != len(triggers):
        yield  # not migrated, or the check's business (heroes.E005): leave it as it is
        return
    cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')
    (last,) = cursor.fetchone()
    for name in triggers:
        cursor.execute(f'DROP TRIGGER "{name}"')
    yield
    cursor.execute(_migration("sqlite").FILL + ' WHERE f."id" > %s', [last])
    for statement in triggers.values():
        cursor.execute(statement)


@contextmanager
def _postgresql_pending_list(cursor) -> Iterator[None]:
    index = POSTGRESQL_INDEX[1]
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f'"{index}"'])
    if not cursor.fetchone()[0]:
        yield  # not migrated, or the check's business (heroes.E005)
        return
    cursor.execute(f'ALTER INDEX "{index}" SET (fastupdate = on)')
    yield
    cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [f'"{index}"'])
    cursor.execute(f'ALTER INDEX "{index}" SET (fastupdate = off)')
