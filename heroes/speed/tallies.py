"""Exact hero counts that cost the same at ten heroes and at ten million.

`COUNT(*)` reads the whole table, or every matching index entry, on every page. Instead,
triggers on `heroes_hero` (migrations 0005, 0006 and 0011) keep two tallies right inside
the same transaction as every insert, update, delete and truncate, whoever writes:
`heroes_herotally` holds the total, and `heroes_heroagetally` one row per distinct age
(-1 stands for "no age"). A count of every hero reads one row; a count of an age range
adds up one row per age in it.

On PostgreSQL each statement locks the tally rows it changes in one order, ages ascending
and then the total, so concurrent writes queue on them and never deadlock; a write that
changes no age locks none. On SQLite one writer at a time holds the database.

Switched off, each function here says there is no tally (None), and callers count with
COUNT(*) as they do on a database without the tallies; the triggers keep them all the same.
"""

from django.db import connections

from heroes import speed

_TOTAL = 'SELECT "total" FROM "heroes_herotally" WHERE "id" = 1'
_BETWEEN = (
    'SELECT COALESCE(SUM("total"), 0) FROM "heroes_heroagetally" WHERE "age" >= %s AND "age" <= %s'
)
_WITHOUT_AGE = 'SELECT COALESCE(SUM("total"), 0) FROM "heroes_heroagetally" WHERE "age" = -1'
_WITH_AGE = 'SELECT COALESCE(SUM("total"), 0) FROM "heroes_heroagetally" WHERE "age" >= 0'


def total(using: str = "default") -> int | None:
    """How many heroes there are, or None where there is no tally (not migrated, or off)."""
    if not speed.on("tallies"):
        return None
    with connections[using].cursor() as cursor:
        cursor.execute(_TOTAL)
        row = cursor.fetchone()
    return None if row is None else row[0]


def count_between(low: int, high: int, using: str = "default") -> int | None:
    """How many heroes have an age from low to high, both included (low >= 0); None when off."""
    if not speed.on("tallies"):
        return None
    with connections[using].cursor() as cursor:
        cursor.execute(_BETWEEN, [low, high])
        return int(cursor.fetchone()[0])


def with_or_without_age(without: bool, using: str = "default") -> int | None:
    """How many heroes have no age (`without`), or have one, in one statement; None when off."""
    if not speed.on("tallies"):
        return None
    with connections[using].cursor() as cursor:
        cursor.execute(_WITHOUT_AGE if without else _WITH_AGE)
        return int(cursor.fetchone()[0])
