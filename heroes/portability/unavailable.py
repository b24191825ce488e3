"""Tells a database that cannot serve now from a bug, alike on SQLite and PostgreSQL.

Unavailable (the answer is 503 with Retry-After): the server cannot be reached or has no
free connection, it is shutting down, the file cannot be opened, is read-only, corrupted or
on a full disk, an I/O error, a lock that did not come in time. Everything else that the
database refuses (a missing table, a syntax error, a constraint) is a bug: 500.
"""

import sqlite3

try:
    import psycopg
except ImportError:  # psycopg is pinned, but SQLite alone needs none of it
    psycopg = None

# SQLite's primary result codes (the low byte of the extended ones) for such faults.
SQLITE_REASONS = {
    sqlite3.SQLITE_BUSY: "The database is busy.",
    sqlite3.SQLITE_LOCKED: "The database is busy.",
    sqlite3.SQLITE_NOMEM: "The database ran out of memory.",
    sqlite3.SQLITE_READONLY: "The database is read-only.",
    sqlite3.SQLITE_IOERR: "The database had a disk I/O error.",
    sqlite3.SQLITE_CORRUPT: "The database file is corrupted.",
    sqlite3.SQLITE_FULL: "The disk that holds the database is full.",
    sqlite3.SQLITE_CANTOPEN: "The database file cannot be opened.",
    sqlite3.SQLITE_PROTOCOL: "The database is busy.",
    sqlite3.SQLITE_NOTADB: "The database file is corrupted.",
}
# PostgreSQL's SQLSTATEs with a reason of their own; any other psycopg OperationalError
# (no connection, a cancelled statement, a serialization failure, ...) is unavailable too.
POSTGRESQL_REASONS = {
    "53300": "The database has no free connection slot.",
    "53100": "The disk that holds the database is full.",
    "57P01": "The database is shutting down.",
    "57P02": "The database is shutting down.",
    "57P03": "The database is starting up or shutting down.",
    "25006": "The database is read-only.",
    "XX001": "The database file is corrupted.",
    "XX002": "The database file is corrupted.",
}
UNAVAILABLE = "The database is unavailable."


def unavailable_reason(exception: BaseException | None) -> str | None:
    """Why the database cannot serve, if `exception` says so; None for anything else."""
    driver_error = exception.__cause__ if exception is not None else None
    if isinstance(driver_error, sqlite3.Error):
        code = getattr(driver_error, "sqlite_errorcode", None)
        return SQLITE_REASONS.get(code & 0xFF) if code is not None else None
    if psycopg is None or not isinstance(driver_error, psycopg.Error):
        return None
    sqlstate = getattr(driver_error, "sqlstate", None)
    if sqlstate in POSTGRESQL_REASONS:
        return POSTGRESQL_REASONS[sqlstate]
    if type(driver_error).__name__ == "PoolTimeout":
        # The pool cannot tell a server that is down from one with no free slot.
        return "No database connection could be had in time: the database is down or full."
    if isinstance(driver_error, psycopg.OperationalError | psycopg.InterfaceError):
        return UNAVAILABLE
    return None
