# The hero tally: an exact count kept by triggers (read by heroes/speed/tallies.py).
# The SQL lives here, so later changes to the code cannot rewrite this migration.

from django.db import migrations, models


SQLITE = [
    'CREATE TABLE "heroes_herotally" ("id" integer NOT NULL PRIMARY KEY CHECK ("id" = 1), "total" bigint NOT NULL)',
    'INSERT INTO "heroes_herotally" ("id", "total") SELECT 1, COUNT(*) FROM "heroes_hero"',
    'CREATE TRIGGER "heroes_hero_tally_insert" AFTER INSERT ON "heroes_hero" BEGIN UPDATE "heroes_herotally" SET "total" = "total" + 1 WHERE "id" = 1; END',
    'CREATE TRIGGER "heroes_hero_tally_delete" AFTER DELETE ON "heroes_hero" BEGIN UPDATE "heroes_herotally" SET "total" = "total" - 1 WHERE "id" = 1; END',
]
SQLITE_REVERSE = [
    'DROP TRIGGER IF EXISTS "heroes_hero_tally_insert"',
    'DROP TRIGGER IF EXISTS "heroes_hero_tally_delete"',
    'DROP TABLE IF EXISTS "heroes_herotally"',
]
POSTGRESQL = [
    'CREATE TABLE "heroes_herotally" ("id" integer NOT NULL PRIMARY KEY CHECK ("id" = 1), "total" bigint NOT NULL)',
    'LOCK TABLE "heroes_hero" IN SHARE MODE',
    'INSERT INTO "heroes_herotally" ("id", "total") SELECT 1, COUNT(*) FROM "heroes_hero"',
    'CREATE FUNCTION "heroes_hero_tally_insert"() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE delta bigint; BEGIN SELECT COUNT(*) INTO delta FROM inserted; IF delta <> 0 THEN UPDATE "heroes_herotally" SET "total" = "total" + delta WHERE "id" = 1; END IF; RETURN NULL; END $$',
    'CREATE FUNCTION "heroes_hero_tally_delete"() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE delta bigint; BEGIN SELECT -COUNT(*) INTO delta FROM deleted; IF delta <> 0 THEN UPDATE "heroes_herotally" SET "total" = "total" + delta WHERE "id" = 1; END IF; RETURN NULL; END $$',
    'CREATE FUNCTION "heroes_hero_tally_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE "heroes_herotally" SET "total" = 0 WHERE "id" = 1; RETURN NULL; END $$',
    'CREATE TRIGGER "heroes_hero_tally_insert" AFTER INSERT ON "heroes_hero" REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "heroes_hero_tally_insert"()',
    'CREATE TRIGGER "heroes_hero_tally_delete" AFTER DELETE ON "heroes_hero" REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION "heroes_hero_tally_delete"()',
    'CREATE TRIGGER "heroes_hero_tally_truncate" AFTER TRUNCATE ON "heroes_hero" FOR EACH STATEMENT EXECUTE FUNCTION "heroes_hero_tally_truncate"()',
]
POSTGRESQL_REVERSE = [
    'DROP TRIGGER IF EXISTS "heroes_hero_tally_insert" ON "heroes_hero"',
    'DROP TRIGGER IF EXISTS "heroes_hero_tally_delete" ON "heroes_hero"',
    'DROP TRIGGER IF EXISTS "heroes_hero_tally_truncate" ON "heroes_hero"',
    'DROP FUNCTION IF EXISTS "heroes_hero_tally_insert"()',
    'DROP FUNCTION IF EXISTS "heroes_hero_tally_delete"()',
    'DROP FUNCTION IF EXISTS "heroes_hero_tally_truncate"()',
    'DROP TABLE IF EXISTS "heroes_herotally"',
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
        ("heroes", "0004_loginattempts"),
    ]

    operations = [
        migrations.CreateModel(
            name="HeroTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("total", models.BigIntegerField()),
            ],
            options={
                "db_table": "heroes_herotally",
                "managed": False,
            },
        ),
        migrations.RunPython(create, drop),
    ]
