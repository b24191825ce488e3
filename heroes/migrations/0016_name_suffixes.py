# SQLite's substring index of hero names becomes a B-tree of their suffixes, in place of
# migration 0015's FTS5 trigram table (PostgreSQL keeps its pg_trgm index).
#
# FTS5 reads the whole list of names of every trigram it is asked for, and the lists grow
# with the table, so even a selective text cost more the more heroes there were (the
# figures: docs/contributing/decisions.md). A text's suffix rows are one range of a B-tree
# instead: a search reads the names that hold the text, and few others, at any size.
#
# One row per position of each name as Python upper-cases it (unicode_upper, the function
# heroes.portability.lookups registers on every connection): the name from that position
# on, cut to SUFFIX_LENGTH characters. Positions with fewer than 3 characters left have no
# row: shorter texts scan. Triggers keep it in step on every path that writes heroes, as
# they kept the FTS5 table. The secret name is never indexed. The SQL lives here, so later
# changes to the code cannot rewrite this migration (heroes.portability.search_index reads
# it for the database check and the restore command).

import importlib

from django.db import migrations

SUFFIX_LENGTH = 16
# The longest name the index holds to its end, as the model and PostgreSQL's varchar allow:
# the triggers refuse a longer one (SQLite itself stores any length, and the ORM does not
# check), which would otherwise go missing from search at its end.
NAME_MAX_LENGTH = 255
# Upper-casing can make a name up to three times longer ("ﬃ" -> "FFI").
POSITIONS = 3 * NAME_MAX_LENGTH
_FOLDED = 'unicode_upper({row}."name")'
_SUFFIXES = (
    'SELECT substr(f."name", p."n", ' + str(SUFFIX_LENGTH) + ') AS "suffix" '
    'FROM (SELECT ' + _FOLDED + ' AS "name") AS f '
    'JOIN "heroes_hero_name_positions" AS p ON p."n" <= length(f."name") - 2'
)
# A name can repeat a stretch of 16 characters ("A" * 20): its second row is skipped. An
# upsert clause, not INSERT OR IGNORE, which an outer statement's own conflict clause (an
# upsert's update, UPDATE OR ROLLBACK) would override inside the trigger.
_INSERT = (
    'INSERT INTO "heroes_hero_name_suffixes" ("suffix", "hero_id") '
    'SELECT s."suffix", new."id" FROM (' + _SUFFIXES.format(row="new") + ') AS s '
    "WHERE true ON CONFLICT DO NOTHING;"
)
_TOO_LONG = (
    f"SELECT RAISE(ABORT, 'heroes_hero.name: longer than {NAME_MAX_LENGTH} characters') "
    f'WHERE length(new."name") > {NAME_MAX_LENGTH};'
)
_DELETE = (
    'DELETE FROM "heroes_hero_name_suffixes" WHERE "hero_id" = old."id" '
    'AND "suffix" IN (' + _SUFFIXES.format(row="old") + ');'
)

# Every stored hero's rows (heroes.portability.search_index adds a WHERE for bulk loads).
FILL = (
    'INSERT OR IGNORE INTO "heroes_hero_name_suffixes" ("suffix", "hero_id") '
    'SELECT substr(f."name", p."n", ' + str(SUFFIX_LENGTH) + '), f."id" '
    'FROM (SELECT "id", unicode_upper("name") AS "name" FROM "heroes_hero") AS f '
    'JOIN "heroes_hero_name_positions" AS p ON p."n" <= length(f."name") - 2'
)
SQLITE = [
    'CREATE TABLE "heroes_hero_name_positions" ("n" integer NOT NULL PRIMARY KEY)',
    'WITH RECURSIVE "counted" ("n") AS (SELECT 1 UNION ALL SELECT "n" + 1 FROM "counted" '
    f'WHERE "n" < {POSITIONS}) INSERT INTO "heroes_hero_name_positions" ("n") '
    'SELECT "n" FROM "counted"',
    # WITHOUT ROWID: the key is the row, so a range of suffixes is one read of the B-tree.
    'CREATE TABLE "heroes_hero_name_suffixes" ("suffix" text NOT NULL, "hero_id" integer '
    'NOT NULL, PRIMARY KEY ("suffix", "hero_id")) WITHOUT ROWID',
    FILL,
    'CREATE TRIGGER "heroes_hero_name_suffixes_insert" AFTER INSERT ON "heroes_hero" '
    f"BEGIN {_TOO_LONG} {_INSERT} END",
    'CREATE TRIGGER "heroes_hero_name_suffixes_delete" AFTER DELETE ON "heroes_hero" '
    f"BEGIN {_DELETE} END",
    'CREATE TRIGGER "heroes_hero_name_suffixes_update" AFTER UPDATE OF "id", "name" ON '
    '"heroes_hero" WHEN old."id" IS NOT new."id" OR old."name" IS NOT new."name" '
    f"BEGIN {_TOO_LONG} {_DELETE} {_INSERT} END",
]
SQLITE_REVERSE = [
    'DROP TRIGGER IF EXISTS "heroes_hero_name_suffixes_insert"',
    'DROP TRIGGER IF EXISTS "heroes_hero_name_suffixes_delete"',
    'DROP TRIGGER IF EXISTS "heroes_hero_name_suffixes_update"',
    'DROP TABLE IF EXISTS "heroes_hero_name_suffixes"',
    'DROP TABLE IF EXISTS "heroes_hero_name_positions"',
]
# This migration's own index: (made, undone) per backend. PostgreSQL's is 0015's.
STATEMENTS = {"sqlite": (SQLITE, SQLITE_REVERSE)}


def _trigrams() -> tuple[list[str], list[str]]:
    """Migration 0015's SQLite statements: (made, undone)."""
    module = importlib.import_module("heroes.migrations.0015_trigram_search")
    return module.STATEMENTS["sqlite"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in _trigrams()[1] + SQLITE:
            schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_REVERSE + _trigrams()[0]:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("heroes", "0015_trigram_search"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
