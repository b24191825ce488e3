"""Refuses a database whose substring index of hero names is missing or changed.

- SQLite: the suffix table, its positions or one of its triggers missing (heroes.E005) or a
  trigger changed since migration 0016 (heroes.E006). A hero written without them is missing
  from the index, and substring search would stop finding it.
- PostgreSQL: the GIN index missing (heroes.E005); search stays right but scans every name.

Registered with the other database checks (heroes.portability.checks).
"""

import os

from django.core.checks import Error, Tags, register

from heroes.portability import search_index
from heroes.portability.checks import compared, migrated_objects_errors

_SQLITE_OBJECTS = "SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'trigger')"
_POSTGRESQL_INDEXES = "SELECT indexname FROM pg_indexes WHERE tablename = %s"


def _problems(connection) -> tuple[list[str], list[str]]:
    """The names missing, and those changed since the migration."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            table, index = search_index.POSTGRESQL_INDEX
            cursor.execute(_POSTGRESQL_INDEXES, [table])
            found = {name for (name,) in cursor.fetchall()}
            return ([] if index in found else [index]), []
        cursor.execute(_SQLITE_OBJECTS)
        found = dict(cursor.fetchall())
    tables = [*search_index.SQLITE_INDEXES.values(), search_index.SQLITE_POSITIONS]
    tables = [name for name in tables if name not in found]
    missing, changed = compared(found, search_index.expected_triggers())
    return tables + missing, changed


@register(Tags.database)
def check_search_index(app_configs=None, databases=None, **kwargs) -> list[Error]:
    return migrated_objects_errors(
        databases,
        _made,
        _problems,
        ("E005", "E006"),
        lambda alias, what, name: (
            f"Database {alias!r} {what} {name!r} of the name search index: "
            "substring search would miss heroes written from now on, or scan."
        ),
        f"Run `{search_index.RESTORE_COMMAND} --database {{alias}}`: it builds the index "
        "again from the heroes stored, as its migration did.",
    )


def _made(connection) -> bool:
    path = getattr(connection, "database_path", lambda: None)()
    if path is not None and not os.path.exists(path):
        return False  # an SQLite file that `migrate` has yet to create
    return search_index.applied(connection)
