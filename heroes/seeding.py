"""Deterministic made-up heroes, and fast bulk inserts of them, for demos and benchmarks."""

import random
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice

from django.db import connection, transaction

from heroes.models import Hero
from heroes.portability.search_index import filled_after_load

Row = tuple[str, int | None, str]

# Made-up name parts: prefixes and suffixes of hero names, then first and last names.
_WORD_LISTS = """
Dead Spider Rusty Iron Captain Night Star Storm Shadow Silver Thunder Black Green
Crimson Atomic Cosmic Quantum Mighty Steel Golden Frost Blaze Turbo Mega Hyper
Ultra Phantom Scarlet Electric Solar Lunar Ghost
|
pond -Boy -Man -Girl -Woman hawk wing fist blade bolt fox wolf claw storm fire
shield arrow hammer spark strike watch rider knight fang heart mind lance star
comet flash wave
|
Dive Pedro Tommy Natalia Wade Peter Tony Bruce Diana Clark Barry Hal Arthur Selina
Jean Scott Logan Ororo Kurt Kitty Wanda Pietro Carol Steve Natasha Clint Sam Bucky
Shuri Riri Kamala Miles
|
Wilson Parqueador Sharp Roman-on Parker Stark Banner Prince Kent Allen Jordan Curry
Kyle Grey Summers Howlett Munroe Wagner Pryde Maximoff Danvers Rogers Romanoff
Barton Barnes Williams Khan Morales Udaku Rhodes Lang Cage
"""
_PREFIXES, _SUFFIXES, _FIRST, _LAST = (part.split() for part in _WORD_LISTS.split("|"))
_NAMES = [prefix + suffix for prefix in _PREFIXES for suffix in _SUFFIXES]
_NUMBERS = [str(number) for number in range(1, 1000)]
# About one hero in ten has no known age, as in the tutorial's "Deadpond"; the rest are 0-99.
_AGES = [None] * 100 + list(range(100)) * 9
_SECRET_NAMES = [f"{first} {last}" for first in _FIRST for last in _LAST]
# Drawn a whole chunk at a time (fast), so any count's heroes begin every larger count's.
_CHUNK = 1000
_SQLITE_CACHE_KIB = 256 * 1024


def generate(count: int, seed: int = 0) -> Iterator[Row]:
    """Yields `count` heroes as (name, age, secret_name); the same seed gives the same heroes.

    Names repeat rarely (about a million combinations), so an exact-name lookup finds
    one or a few heroes at any table size.
    """
    rng = random.Random(seed)
    left = count
    while left > 0:
        names = map("{} {}".format, rng.choices(_NAMES, k=_CHUNK), rng.choices(_NUMBERS, k=_CHUNK))
        chunk = zip(
            names, rng.choices(_AGES, k=_CHUNK), rng.choices(_SECRET_NAMES, k=_CHUNK), strict=True
        )
        yield from islice(chunk, left)
        left -= _CHUNK


def insert(
    rows: Iterator[Row],
    count: int,
    *,
    batch_size: int = 20_000,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Inserts the rows in one transaction, in batches, the fastest way the backend offers."""
    table = connection.ops.quote_name(Hero._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in ("name", "age", "secret_name"))
    done = 0
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        _big_sqlite_cache(cursor),
        _sqlite_indexes_built_after(cursor, Hero._meta.db_table),
        filled_after_load(cursor, Hero._meta.db_table),
    ):
        while done < count:
            batch = list(islice(rows, min(batch_size, count - done)))
            if not batch:
                break
            if connection.vendor == "postgresql":
                # COPY loads rows faster than INSERT does.
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s)",
                    batch,
                )
            done += len(batch)
            if progress:
                progress(done)


@contextmanager
def _sqlite_indexes_built_after(cursor, table: str) -> Iterator[None]:
    """On SQLite, the table's indexes dropped for the load and built again from its rows.

    Building an index sorts the rows once; keeping it up to date inserts into it row by
    row. Inside the load's transaction, so other connections never see the table without
    them.
    """
    if connection.vendor != "sqlite":
        yield
        return
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
        "AND sql IS NOT NULL",  # automatic indexes (unique constraints) have no SQL
        [table],
    )
    indexes = cursor.fetchall()
    for name, _sql in indexes:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    for _name, sql in indexes:
        cursor.execute(sql)


@contextmanager
def _big_sqlite_cache(cursor) -> Iterator[None]:
    """On SQLite, a page cache that holds the indexes being filled."""
    if connection.vendor != "sqlite":
        yield
        return
    cursor.execute("PRAGMA cache_size")
    (previous,) = cursor.fetchone()
    cursor.execute(f"PRAGMA cache_size = {-_SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(previous)}")


class ProgressBar:
    """A one-line progress bar, redrawn with \\r: percentage, rows, rate and time left."""

    def __init__(self, total: int, write: Callable[[str], object] = sys.stderr.write, width=30):
        self.total = max(total, 1)
        self.write = write
        self.width = width
        self.started = time.monotonic()

    def __call__(self, done: int) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        filled = self.width * done // self.total
        rate = done / elapsed
        left = (self.total - done) / rate if rate else 0.0
        self.write(
            f"\r[{'#' * filled}{'.' * (self.width - filled)}] {100 * done // self.total:3d}% "
            f"{done:,}/{self.total:,} heroes  {rate:,.0f}/s  {elapsed:.1f}s "
            f"(~{left:.0f}s left)"
        )
        if done >= self.total:
            self.write("\n")
