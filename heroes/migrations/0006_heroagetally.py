# The per-age hero tally: exact age-range counts kept by triggers (heroes/speed/tallies.py).
# The SQL lives here, so later changes to the code cannot rewrite this migration.

from django.db import migrations


SQLITE = [
    'CREATE TABLE "heroes_heroagetally" ("age" integer NOT NULL PRIMARY KEY, "total" bigint NOT NULL)',
    'INSERT INTO "heroes_heroagetally" ("age", "total") SELECT COALESCE("age", -1), COUNT(*) FROM "heroes_hero" GROUP BY 1',
    'CREATE TRIGGER "heroes_hero_age_tally_insert" AFTER INSERT ON "heroes_hero" BEGIN INSERT INTO "heroes_heroagetally" ("age", "total") VALUES (COALESCE(NEW."age", -1), 1) ON CONFLICT ("age") DO UPDATE SET "total" = "total" + 1; END',
    'CREATE TRIGGER "heroes_hero_age_tally_delete" AFTER DELETE ON "heroes_hero" BEGIN UPDATE "heroes_heroagetally" SET "total" = "total" - 1 WHERE "age" = COALESCE(OLD."age", -1); END',
    'CREATE TRIGGER "heroes_hero_age_tally_update" AFTER UPDATE OF "age" ON "heroes_hero" WHEN OLD."age" IS NOT NEW."age" BEGIN UPDATE "heroes_heroagetally" SET "total" = "total" - 1 WHERE "age" = COALESCE(OLD."age", -1); INSERT INTO "heroes_heroagetally" ("age", "total") VALUES (COALESCE(NEW."age", -1), 1) ON CONFLICT ("age") DO UPDATE SET "total" = "total" + 1; END',
]
SQLITE_REVERSE = [
    'DROP TRIGGER IF EXISTS "heroes_hero_age_tally_insert"',
    'DROP TRIGGER IF EXISTS "heroes_hero_age_tally_delete"',
    'DROP TRIGGER IF EXISTS "heroes_hero_age_tally_update"',
    'DROP TABLE IF EXISTS "heroes_heroagetally"',
]
POSTGRESQL = [
    'CREATE TABLE "heroes_heroagetally" ("age" integer NOT NULL PRIMARY KEY, "total" bigint NOT NULL)',
    'LOCK TABLE "heroes_hero" IN SHARE MODE',
    'INSERT INTO "heroes_heroagetally" ("age", "total") SELECT COALESCE("age", -1), COUNT(*) FROM "heroes_hero" GROUP BY 1',
    'CREATE FUNCTION "heroes_hero_age_tally_insert"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "heroes_heroagetally" AS tally ("age", "total") SELECT COALESCE("age", -1), COUNT(*) FROM inserted GROUP BY 1 ON CONFLICT ("age") DO UPDATE SET "total" = tally."total" + EXCLUDED."total"; RETURN NULL; END $$',
    'CREATE FUNCTION "heroes_hero_age_tally_delete"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "heroes_heroagetally" AS tally ("age", "total") SELECT COALESCE("age", -1), -COUNT(*) FROM deleted GROUP BY 1 ON CONFLICT ("age") DO UPDATE SET "total" = tally."total" + EXCLUDED."total"; RETURN NULL; END $$',
    'CREATE FUNCTION "heroes_hero_age_tally_update"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "heroes_heroagetally" AS tally ("age", "total") SELECT COALESCE("age", -1), -COUNT(*) FROM (SELECT old_rows."age" FROM old_rows JOIN new_rows ON old_rows."id" = new_rows."id" WHERE old_rows."age" IS DISTINCT FROM new_rows."age") AS gone GROUP BY 1 ON CONFLICT ("age") DO UPDATE SET "total" = tally."total" + EXCLUDED."total";INSERT INTO "heroes_heroagetally" AS tally ("age", "total") SELECT COALESCE("age", -1), COUNT(*) FROM (SELECT new_rows."age" FROM old_rows JOIN new_rows ON old_rows."id" = new_rows."id" WHERE old_rows."age" IS DISTINCT FROM new_rows."age") AS came GROUP BY 1 ON CONFLICT ("age") DO UPDATE SET "total" = tally."total" + EXCLUDED."total"; RETURN NULL; END $$',
    'CREATE FUNCTION "heroes_hero_age_tally_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM "heroes_heroagetally"; RETURN NULL; END $$',
    'CREATE TRIGGER "heroes_hero_age_tally_insert" AFTER INSERT ON "heroes_hero" REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "heroes_hero_age_tally_insert"()',
    'CREATE TRIGGER "heroes_hero_age_tally_delete" AFTER DELETE ON "heroes_hero" REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION "heroes_hero_age_tally_delete"()',
    'CREATE TRIGGER "heroes_hero_age_tally_update" AFTER UPDATE ON "heroes_hero" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "heroes_hero_age_tally_update"()',
    'CREATE TRIGGER "heroes_hero_age_tally_truncate" AFTER TRUNCATE ON "heroes_hero" FOR EACH STATEMENT EXECUTE FUNCTION "heroes_hero_age_tally_truncate"()',
]
POSTGRESQL_REVERSE = [
    'DROP TRIGGER IF EXISTS "heroes_hero_age_tally_insert" ON "heroes_hero"',
    'DROP TRIGGER IF EXISTS "heroes_hero_age_tally_delete" ON "heroes_hero"',
    'DROP TRIGGER IF EXISTS "heroes_hero_age_tally_update" ON "heroes_hero"',
    'DROP TRIGGER IF EXISTS "heroes_hero_age_tally_truncate" ON "heroes_hero"',
    'DROP FUNCTION IF EXISTS "heroes_hero_age_tally_insert"()',
    'DROP FUNCTION IF EXISTS "heroes_hero_age_tally_delete"()',
    'DROP FUNCTION IF EXISTS "heroes_hero_age_tally_update"()',
    'DROP FUNCTION IF EXISTS "heroes_hero_age_tally_truncate"()',
    'DROP TABLE IF EXISTS "heroes_heroagetally"',
]
STATEMENTS = {"sqlite": (SQLITE, SQLITE_REVERSE), "postgresql": (POSTGRESQL, POSTGRESQL_REVERSE)}


def create(apps, schema_editor):
    for statement in STATEMENTS[schema_editor.connection.vendor][0]:
        schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    for statement in STATEMENTS[schema_editor.connection.vendor][1]:
        schema_editor.execute(statement, params=None)

class Migration(migrations.Migration):
    dependencies = [
        ("heroes", "0005_herotally"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
