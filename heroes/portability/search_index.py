"""The trigram index of hero names (migration 0015), as substring search reads it.

`icontains` on an indexed column (heroes.portability.lookups) asks the index for the rows
that may match, then confirms each with its own comparison: the answer is the full scan's.
The SQL is read from the migration itself: the database check compares the database with
it (heroes.portability.checks), and `manage.py restore_search_index` runs it again.
"""

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db.migrations.recorder import MigrationRecorder

APP = "heroes"
MIGRATION = "0015_trigram_search"
RESTORE_COMMAND = "python manage.py restore_search_index"
# (table, column) -> the SQLite FTS5 table that holds that column's values, upper-cased.
SQLITE_INDEXES = {("heroes_hero", "name"): "heroes_hero_name_trigrams"}
# The PostgreSQL index, on the expression the lookup compares.
POSTGRESQL_INDEX = ("heroes_hero", "heroes_hero_name_trigram")
# Shorter texts have no trigram to look up: they scan.
MIN_LENGTH = 3
# The most trigrams one search asks the SQLite index for (sqlite_match).
MAX_TRIGRAMS = 4


def statements(vendor: str) -> tuple[list[str], list[str]]:
    """The migration's (forward, backward) statements on this backend."""
    module = importlib.import_module(f"{APP}.migrations.{MIGRATION}")
    return module.STATEMENTS.get(vendor, ([], []))


def applied(connection) -> bool:
    """Whether the migration is applied: before that there is nothing to check."""
    recorder = MigrationRecorder(connection)
    return recorder.has_table() and (APP, MIGRATION) in recorder.applied_migrations()


def expected_triggers() -> dict[str, str]:
    """SQLite: trigger name -> its CREATE TRIGGER statement."""
    prefix = 'CREATE TRIGGER "'
    return {
        statement.removeprefix(prefix).split('"', 1)[0]: statement
        for statement in statements("sqlite")[0]
        if statement.startswith(prefix)
    }


def restore_statements(vendor: str) -> list[str]:
    """Drops the index (and on SQLite its table and triggers) and builds it again from the
    heroes stored, as migration 0015 did."""
    forward, backward = statements(vendor)
    return backward + forward


def sqlite_match(text: str) -> str | None:
    """The FTS5 query for names holding `text` in any case: trigrams of the text as the
    index holds them (upper-cased), all required. None for a text too short to have one.

    At most MAX_TRIGRAMS of them, spread from the first to the last: FTS5 reads the whole
    list of names of each trigram asked, and a common one lists a few percent of the table.
    Any of the text's trigrams leave out no name that holds the text; the lookup's own
    comparison then drops the names that hold them elsewhere.
    """
    folded = text.upper()
    if len(text) < MIN_LENGTH or len(folded) < MIN_LENGTH:
        return None
    trigrams = list(dict.fromkeys(folded[i : i + 3] for i in range(len(folded) - 2)))
    if len(trigrams) > MAX_TRIGRAMS:
        last = len(trigrams) - 1
        picked = {round(n * last / (MAX_TRIGRAMS - 1)) for n in range(MAX_TRIGRAMS)}
        trigrams = [trigrams[i] for i in sorted(picked)]
    # A string in double quotes is one token to FTS5, with its quotes doubled.
    return " AND ".join('"{}"'.format(trigram.replace('"', '""')) for trigram in trigrams)


@contextmanager
def filled_after_load(cursor, table: str) -> Iterator[None]:
    """The index kept up to date the fast way during a bulk load of new rows into `table`.

    SQLite: the triggers dropped for the load, and the rows it added (ids above the largest
    before it) indexed in one statement afterwards; FTS5 takes a million rows at once far
    faster than one at a time. PostgreSQL: the GIN index's pending list on for the load
    (rows are added to the index in batches), then emptied and off again. Inside the load's
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
    fts = SQLITE_INDEXES[(table, "name")]
    cursor.execute(
        f'INSERT INTO "{fts}" ("rowid", "name") SELECT "id", unicode_upper("name") '
        f'FROM "{table}" WHERE "id" > %s',
        [last],
    )
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
