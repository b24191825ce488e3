"""An exact hero count that costs the same at ten heroes and at ten million.

`COUNT(*)` reads the whole table (or an index of it) on every unfiltered page. Instead,
one row in `heroes_herotally` holds the total, and triggers on `heroes_hero` keep it
right inside the same transaction as every insert, delete and truncate, whoever writes
(the API, the admin, bulk loads, raw SQL). Filtered counts still use COUNT(*), which the
name and age indexes keep proportional to the matches.
"""

from django.db import connections
from django.db.models import QuerySet

TABLE = "heroes_herotally"
HERO_TABLE = "heroes_hero"

SQLITE = [
    f'CREATE TABLE "{TABLE}" ("id" integer NOT NULL PRIMARY KEY CHECK ("id" = 1), '
    '"total" bigint NOT NULL)',
    f'INSERT INTO "{TABLE}" ("id", "total") SELECT 1, COUNT(*) FROM "{HERO_TABLE}"',
    f'CREATE TRIGGER "heroes_hero_tally_insert" AFTER INSERT ON "{HERO_TABLE}" '
    f'BEGIN UPDATE "{TABLE}" SET "total" = "total" + 1 WHERE "id" = 1; END',
    f'CREATE TRIGGER "heroes_hero_tally_delete" AFTER DELETE ON "{HERO_TABLE}" '
    f'BEGIN UPDATE "{TABLE}" SET "total" = "total" - 1 WHERE "id" = 1; END',
]
SQLITE_REVERSE = [
    'DROP TRIGGER IF EXISTS "heroes_hero_tally_insert"',
    'DROP TRIGGER IF EXISTS "heroes_hero_tally_delete"',
    f'DROP TABLE IF EXISTS "{TABLE}"',
]


def _pg_function(name: str, change: str) -> str:
    return (
        f'CREATE FUNCTION "{name}"() RETURNS trigger LANGUAGE plpgsql AS $$ '
        f"DECLARE delta bigint; BEGIN {change} "
        f'IF delta <> 0 THEN UPDATE "{TABLE}" SET "total" = "total" + delta WHERE "id" = 1; '
        "END IF; RETURN NULL; END $$"
    )


# Statement-level triggers with transition tables: one tally update per statement, so a
# bulk load of a million rows (COPY included) updates the tally once, not a million times.
POSTGRESQL = [
    f'CREATE TABLE "{TABLE}" ("id" integer NOT NULL PRIMARY KEY CHECK ("id" = 1), '
    '"total" bigint NOT NULL)',
    # Writers wait while the tally starts, so no hero is missed or counted twice.
    f'LOCK TABLE "{HERO_TABLE}" IN SHARE MODE',
    f'INSERT INTO "{TABLE}" ("id", "total") SELECT 1, COUNT(*) FROM "{HERO_TABLE}"',
    _pg_function("heroes_hero_tally_insert", "SELECT COUNT(*) INTO delta FROM inserted;"),
    _pg_function("heroes_hero_tally_delete", "SELECT -COUNT(*) INTO delta FROM deleted;"),
    f'CREATE FUNCTION "heroes_hero_tally_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$ '
    f'BEGIN UPDATE "{TABLE}" SET "total" = 0 WHERE "id" = 1; RETURN NULL; END $$',
    f'CREATE TRIGGER "heroes_hero_tally_insert" AFTER INSERT ON "{HERO_TABLE}" '
    "REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT "
    'EXECUTE FUNCTION "heroes_hero_tally_insert"()',
    f'CREATE TRIGGER "heroes_hero_tally_delete" AFTER DELETE ON "{HERO_TABLE}" '
    "REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT "
    'EXECUTE FUNCTION "heroes_hero_tally_delete"()',
    f'CREATE TRIGGER "heroes_hero_tally_truncate" AFTER TRUNCATE ON "{HERO_TABLE}" '
    'FOR EACH STATEMENT EXECUTE FUNCTION "heroes_hero_tally_truncate"()',
]
POSTGRESQL_REVERSE = [
    f'DROP TRIGGER IF EXISTS "heroes_hero_tally_insert" ON "{HERO_TABLE}"',
    f'DROP TRIGGER IF EXISTS "heroes_hero_tally_delete" ON "{HERO_TABLE}"',
    f'DROP TRIGGER IF EXISTS "heroes_hero_tally_truncate" ON "{HERO_TABLE}"',
    'DROP FUNCTION IF EXISTS "heroes_hero_tally_insert"()',
    'DROP FUNCTION IF EXISTS "heroes_hero_tally_delete"()',
    'DROP FUNCTION IF EXISTS "heroes_hero_tally_truncate"()',
    f'DROP TABLE IF EXISTS "{TABLE}"',
]
STATEMENTS = {"sqlite": (SQLITE, SQLITE_REVERSE), "postgresql": (POSTGRESQL, POSTGRESQL_REVERSE)}
_READ = f'SELECT "total" FROM "{TABLE}" WHERE "id" = 1'


def create(apps, schema_editor) -> None:
    """Migration step: the tally table, its starting value and its triggers."""
    for statement in STATEMENTS[schema_editor.connection.vendor][0]:
        schema_editor.execute(statement, params=None)


def drop(apps, schema_editor) -> None:
    for statement in STATEMENTS[schema_editor.connection.vendor][1]:
        schema_editor.execute(statement, params=None)


def total(using: str = "default") -> int | None:
    """The tally, or None where there is none (a database that has not been migrated)."""
    with connections[using].cursor() as cursor:
        cursor.execute(_READ)
        row = cursor.fetchone()
    return None if row is None else row[0]


def is_unfiltered(queryset: QuerySet) -> bool:
    """True when the queryset means every hero: no WHERE, no slicing, no grouping."""
    query = queryset.query
    return (
        queryset.model._meta.db_table == HERO_TABLE
        and not query.where
        and not query.is_sliced
        and not query.distinct
        and query.combinator is None
        and query.group_by is None
        and not query.extra
    )


def count(queryset: QuerySet) -> int:
    """The exact count of the queryset; an unfiltered one reads the tally instead of COUNT(*)."""
    if is_unfiltered(queryset):
        tallied = total(queryset.db)
        if tallied is not None:
            return tallied
    return queryset.count()
