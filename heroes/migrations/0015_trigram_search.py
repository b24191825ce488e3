# The hero's name in a trigram index, for substring search (heroes.portability.lookups).
#
# SQLite: an FTS5 table of each name as Python upper-cases it (unicode_upper, the function
# heroes.portability.lookups registers on every connection), split into trigrams, kept in
# step by triggers: every path that writes heroes (the API, the admin, seeding, fixtures,
# history restores) goes through them. Upper-cased the way the lookup compares, with the
# tokenizer's own case folding off, the index finds every name the lookup finds.
# PostgreSQL: pg_trgm's GIN index on the very expression the lookup compares.
# The secret name is never indexed. The SQL lives here, so later changes to the code cannot
# rewrite this migration (heroes.portability.search_index reads it for the database check).

from django.db import migrations

SQLITE = [
    # Contentless (content=''): the index only, keyed by hero id; the names stay in
    # heroes_hero. A row leaves it by FTS5's 'delete' command, given the text it was indexed
    # with: the same function of the same old name. detail=none and columnsize=0: which
    # names hold a trigram, nothing more, which is all the search asks and fills fastest.
    "CREATE VIRTUAL TABLE \"heroes_hero_name_trigrams\" USING fts5(\"name\", content='', columnsize=0, detail=none, tokenize='trigram case_sensitive 1')",
    'INSERT INTO "heroes_hero_name_trigrams" ("rowid", "name") SELECT "id", unicode_upper("name") FROM "heroes_hero"',
    'CREATE TRIGGER "heroes_hero_name_trigrams_insert" AFTER INSERT ON "heroes_hero" BEGIN INSERT INTO "heroes_hero_name_trigrams" ("rowid", "name") VALUES (new."id", unicode_upper(new."name")); END',
    'CREATE TRIGGER "heroes_hero_name_trigrams_delete" AFTER DELETE ON "heroes_hero" BEGIN INSERT INTO "heroes_hero_name_trigrams" ("heroes_hero_name_trigrams", "rowid", "name") VALUES (\'delete\', old."id", unicode_upper(old."name")); END',
    'CREATE TRIGGER "heroes_hero_name_trigrams_update" AFTER UPDATE OF "id", "name" ON "heroes_hero" WHEN old."id" IS NOT new."id" OR old."name" IS NOT new."name" BEGIN INSERT INTO "heroes_hero_name_trigrams" ("heroes_hero_name_trigrams", "rowid", "name") VALUES (\'delete\', old."id", unicode_upper(old."name")); INSERT INTO "heroes_hero_name_trigrams" ("rowid", "name") VALUES (new."id", unicode_upper(new."name")); END',
]
SQLITE_REVERSE = [
    'DROP TRIGGER IF EXISTS "heroes_hero_name_trigrams_insert"',
    'DROP TRIGGER IF EXISTS "heroes_hero_name_trigrams_delete"',
    'DROP TRIGGER IF EXISTS "heroes_hero_name_trigrams_update"',
    'DROP TABLE IF EXISTS "heroes_hero_name_trigrams"',
]
POSTGRESQL = [
    # A trusted extension: the database's owner may create it. Going back leaves it: other
    # indexes may use it, and without this one it costs nothing.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # The expression heroes.portability.lookups compares, character for character.
    # fastupdate off: with it, new rows wait in a pending list of up to 4 MB that every
    # search reads through; a write adds its trigrams to the index itself instead (bulk
    # loads turn it on for their duration, heroes.portability.search_index).
    'CREATE INDEX "heroes_hero_name_trigram" ON "heroes_hero" USING gin ((CASE WHEN octet_length("name") = char_length("name") THEN (UPPER(("name")::text COLLATE "C") COLLATE "und-x-icu") ELSE UPPER(("name")::text COLLATE "und-x-icu") END) gin_trgm_ops) WITH (fastupdate = off)',
]
POSTGRESQL_REVERSE = [
    'DROP INDEX IF EXISTS "heroes_hero_name_trigram"',
]
STATEMENTS = {"sqlite": (SQLITE, SQLITE_REVERSE), "postgresql": (POSTGRESQL, POSTGRESQL_REVERSE)}


def create(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("heroes", "0014_ordering_indexes"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
