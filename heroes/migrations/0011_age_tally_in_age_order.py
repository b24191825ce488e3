# The per-age tally's PostgreSQL triggers (migration 0006) write their rows in age order.
#
# 0006's update trigger wrote the ages heroes left, then the ages they came to, in two
# statements: a write moving a hero from 30 to 40 locked tally row 30 then 40, and one
# moving another hero from 40 to 30 locked 40 then 30, so the two deadlocked. Now every
# trigger writes all its ages in one statement, in ascending age order, and PostgreSQL
# fires a table's triggers in name order: heroes_hero_age_tally_* (these rows) before
# heroes_hero_tally_* (the total's one row, migration 0005). Every statement that writes
# heroes thus locks its hero rows, then tally rows in one global order: no cycle.
#
# SQLite needs nothing: its IMMEDIATE transactions let one writer at a time in.
# The SQL lives here, so later changes to the code cannot rewrite this migration.

from django.db import migrations

POSTGRESQL = [
    'CREATE OR REPLACE FUNCTION "heroes_hero_age_tally_insert"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "heroes_heroagetally" AS tally ("age", "total") SELECT COALESCE("age", -1), COUNT(*) FROM inserted GROUP BY 1 ORDER BY 1 ON CONFLICT ("age") DO UPDATE SET "total" = tally."total" + EXCLUDED."total"; RETURN NULL; END $$',
    'CREATE OR REPLACE FUNCTION "heroes_hero_age_tally_delete"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "heroes_heroagetally" AS tally ("age", "total") SELECT COALESCE("age", -1), -COUNT(*) FROM deleted GROUP BY 1 ORDER BY 1 ON CONFLICT ("age") DO UPDATE SET "total" = tally."total" + EXCLUDED."total"; RETURN NULL; END $$',
    # Each old row takes one from its age and each new row adds one to its age; the ages
    # of heroes that kept theirs add up to zero and are left alone (a rename locks none).
    'CREATE OR REPLACE FUNCTION "heroes_hero_age_tally_update"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "heroes_heroagetally" AS tally ("age", "total") SELECT "age", SUM("delta") FROM (SELECT COALESCE("age", -1) AS "age", -1 AS "delta" FROM old_rows UNION ALL SELECT COALESCE("age", -1), 1 FROM new_rows) AS moves GROUP BY 1 HAVING SUM("delta") <> 0 ORDER BY 1 ON CONFLICT ("age") DO UPDATE SET "total" = tally."total" + EXCLUDED."total"; RETURN NULL; END $$',
]
# Migration 0006's functions, as it created them.
POSTGRESQL_REVERSE = [
    'CREATE OR REPLACE FUNCTION "heroes_hero_age_tally_insert"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "heroes_heroagetally" AS tally ("age", "total") SELECT COALESCE("age", -1), COUNT(*) FROM inserted GROUP BY 1 ON CONFLICT ("age") DO UPDATE SET "total" = tally."total" + EXCLUDED."total"; RETURN NULL; END $$',
    'CREATE OR REPLACE FUNCTION "heroes_hero_age_tally_delete"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "heroes_heroagetally" AS tally ("age", "total") SELECT COALESCE("age", -1), -COUNT(*) FROM deleted GROUP BY 1 ON CONFLICT ("age") DO UPDATE SET "total" = tally."total" + EXCLUDED."total"; RETURN NULL; END $$',
    'CREATE OR REPLACE FUNCTION "heroes_hero_age_tally_update"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "heroes_heroagetally" AS tally ("age", "total") SELECT COALESCE("age", -1), -COUNT(*) FROM (SELECT old_rows."age" FROM old_rows JOIN new_rows ON old_rows."id" = new_rows."id" WHERE old_rows."age" IS DISTINCT FROM new_rows."age") AS gone GROUP BY 1 ON CONFLICT ("age") DO UPDATE SET "total" = tally."total" + EXCLUDED."total";INSERT INTO "heroes_heroagetally" AS tally ("age", "total") SELECT COALESCE("age", -1), COUNT(*) FROM (SELECT new_rows."age" FROM old_rows JOIN new_rows ON old_rows."id" = new_rows."id" WHERE old_rows."age" IS DISTINCT FROM new_rows."age") AS came GROUP BY 1 ON CONFLICT ("age") DO UPDATE SET "total" = tally."total" + EXCLUDED."total"; RETURN NULL; END $$',
]
STATEMENTS = {"postgresql": (POSTGRESQL, POSTGRESQL_REVERSE)}


def replace(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(statement, params=None)


def restore(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("heroes", "0010_idempotencykey"),
    ]

    operations = [
        migrations.RunPython(replace, restore),
    ]
