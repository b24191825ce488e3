"""How many heroes have each age, kept exact by triggers: age-range counts at any table size.

`COUNT(*) ... WHERE age BETWEEN 30 AND 31` reads every matching index entry, 19,000 of
them at a million heroes. One row per distinct age in `heroes_heroagetally` holds how
many heroes have it (age -1 stands for "no age"), and triggers on `heroes_hero` keep it
right in the same transaction as every insert, update of an age, delete and truncate.
A range then counts by adding up one row per age in it.
"""

from django.db import connections

TABLE = "heroes_heroagetally"
HERO_TABLE = "heroes_hero"
NO_AGE = -1

_ADD_ONE = (
    f'INSERT INTO "{TABLE}" ("age", "total") VALUES (COALESCE(NEW."age", {NO_AGE}), 1) '
    'ON CONFLICT ("age") DO UPDATE SET "total" = "total" + 1;'
)
_REMOVE_ONE = (
    f'UPDATE "{TABLE}" SET "total" = "total" - 1 WHERE "age" = COALESCE(OLD."age", {NO_AGE});'
)
_CREATE_TABLE = (
    f'CREATE TABLE "{TABLE}" ("age" integer NOT NULL PRIMARY KEY, "total" bigint NOT NULL)'
)
_FILL = (
    f'INSERT INTO "{TABLE}" ("age", "total") '
    f'SELECT COALESCE("age", {NO_AGE}), COUNT(*) FROM "{HERO_TABLE}" GROUP BY 1'
)

SQLITE = [
    _CREATE_TABLE,
    _FILL,
    f'CREATE TRIGGER "heroes_hero_age_tally_insert" AFTER INSERT ON "{HERO_TABLE}" '
    f"BEGIN {_ADD_ONE} END",
    f'CREATE TRIGGER "heroes_hero_age_tally_delete" AFTER DELETE ON "{HERO_TABLE}" '
    f"BEGIN {_REMOVE_ONE} END",
    f'CREATE TRIGGER "heroes_hero_age_tally_update" AFTER UPDATE OF "age" ON "{HERO_TABLE}" '
    f'WHEN OLD."age" IS NOT NEW."age" BEGIN {_REMOVE_ONE} {_ADD_ONE} END',
]
SQLITE_REVERSE = [
    'DROP TRIGGER IF EXISTS "heroes_hero_age_tally_insert"',
    'DROP TRIGGER IF EXISTS "heroes_hero_age_tally_delete"',
    'DROP TRIGGER IF EXISTS "heroes_hero_age_tally_update"',
    f'DROP TABLE IF EXISTS "{TABLE}"',
]


def _pg_add(rows: str, sign: str) -> str:
    # Per age in a transition table: add (or take away) its number of rows.
    return (
        f'INSERT INTO "{TABLE}" AS tally ("age", "total") '
        f'SELECT COALESCE("age", {NO_AGE}), {sign}COUNT(*) FROM {rows} GROUP BY 1 '
        'ON CONFLICT ("age") DO UPDATE SET "total" = tally."total" + EXCLUDED."total";'
    )


def _pg_function(name: str, body: str) -> str:
    return (
        f'CREATE FUNCTION "{name}"() RETURNS trigger LANGUAGE plpgsql AS $$ '
        f"BEGIN {body} RETURN NULL; END $$"
    )


# Statement-level triggers with transition tables: one tally update per statement.
_CHANGED_OLD = (
    'SELECT old_rows."age" FROM old_rows JOIN new_rows ON old_rows."id" = new_rows."id" '
    'WHERE old_rows."age" IS DISTINCT FROM new_rows."age"'
)
_CHANGED_NEW = (
    'SELECT new_rows."age" FROM old_rows JOIN new_rows ON old_rows."id" = new_rows."id" '
    'WHERE old_rows."age" IS DISTINCT FROM new_rows."age"'
)
POSTGRESQL = [
    _CREATE_TABLE,
    # Writers wait while the tally starts, so no hero is missed or counted twice.
    f'LOCK TABLE "{HERO_TABLE}" IN SHARE MODE',
    _FILL,
    _pg_function("heroes_hero_age_tally_insert", _pg_add("inserted", "")),
    _pg_function("heroes_hero_age_tally_delete", _pg_add("deleted", "-")),
    _pg_function(
        "heroes_hero_age_tally_update",
        _pg_add(f"({_CHANGED_OLD}) AS gone", "-") + _pg_add(f"({_CHANGED_NEW}) AS came", ""),
    ),
    _pg_function("heroes_hero_age_tally_truncate", f'DELETE FROM "{TABLE}";'),
    f'CREATE TRIGGER "heroes_hero_age_tally_insert" AFTER INSERT ON "{HERO_TABLE}" '
    "REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT "
    'EXECUTE FUNCTION "heroes_hero_age_tally_insert"()',
    f'CREATE TRIGGER "heroes_hero_age_tally_delete" AFTER DELETE ON "{HERO_TABLE}" '
    "REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT "
    'EXECUTE FUNCTION "heroes_hero_age_tally_delete"()',
    f'CREATE TRIGGER "heroes_hero_age_tally_update" AFTER UPDATE ON "{HERO_TABLE}" '
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
    'EXECUTE FUNCTION "heroes_hero_age_tally_update"()',
    f'CREATE TRIGGER "heroes_hero_age_tally_truncate" AFTER TRUNCATE ON "{HERO_TABLE}" '
    'FOR EACH STATEMENT EXECUTE FUNCTION "heroes_hero_age_tally_truncate"()',
]
POSTGRESQL_REVERSE = [
    *(
        f'DROP TRIGGER IF EXISTS "heroes_hero_age_tally_{event}" ON "{HERO_TABLE}"'
        for event in ("insert", "delete", "update", "truncate")
    ),
    *(
        f'DROP FUNCTION IF EXISTS "heroes_hero_age_tally_{event}"()'
        for event in ("insert", "delete", "update", "truncate")
    ),
    f'DROP TABLE IF EXISTS "{TABLE}"',
]
STATEMENTS = {"sqlite": (SQLITE, SQLITE_REVERSE), "postgresql": (POSTGRESQL, POSTGRESQL_REVERSE)}
_RANGE = f'SELECT COALESCE(SUM("total"), 0) FROM "{TABLE}" WHERE "age" >= %s AND "age" <= %s'


def create(apps, schema_editor) -> None:
    """Migration step: the table, its starting counts and its triggers."""
    for statement in STATEMENTS[schema_editor.connection.vendor][0]:
        schema_editor.execute(statement, params=None)


def drop(apps, schema_editor) -> None:
    for statement in STATEMENTS[schema_editor.connection.vendor][1]:
        schema_editor.execute(statement, params=None)


def count_between(low: int, high: int, using: str = "default") -> int:
    """How many heroes have an age from low to high, both included (low >= 0)."""
    with connections[using].cursor() as cursor:
        cursor.execute(_RANGE, [low, high])
        return int(cursor.fetchone()[0])
