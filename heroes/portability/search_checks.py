"""Refuses a database whose trigram index of hero names is missing or changed.

- SQLite: the FTS5 table or one of its triggers missing (heroes.E005) or a trigger changed
  since migration 0015 (heroes.E006). A hero written without them is missing from the
  index, and substring search would stop finding it.
- PostgreSQL: the GIN index missing (heroes.E005); search stays right but scans every name.

Registered with the other database checks (heroes.portability.checks).
"""

import os

from django.core.checks import Error, Tags, register
from django.db import connections

from heroes.portability import search_index

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
    wanted = search_index.expected_triggers()
    missing = [name for name in search_index.SQLITE_INDEXES.values() if name not in found]
    missing += [name for name in wanted if name not in found]
    changed = [name for name in wanted if name in found and found[name] != wanted[name]]
    return missing, changed


@register(Tags.database)
def check_search_index(app_configs=None, databases=None, **kwargs) -> list[Error]:
    errors = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor not in ("sqlite", "postgresql"):
            continue
        path = getattr(connection, "database_path", lambda: None)()
        if path is not None and not os.path.exists(path):
            continue  # an SQLite file that `migrate` has yet to create
        if not search_index.applied(connection):
            continue  # nothing to check before migrate has made it
        missing, changed = _problems(connection)
        hint = (
            f"Run `{search_index.RESTORE_COMMAND} --database {alias}`: it builds the index "
            "again from the heroes stored, as migration 0015 did."
        )
        for names, what, error_id in (
            (missing, "lacks", "E005"),
            (changed, "has a changed", "E006"),
        ):
            errors += [
                Error(
                    f"Database {alias!r} {what} {name!r} of the name search index: "
                    "substring search would miss heroes written from now on, or scan.",
                    hint=hint,
                    id=f"heroes.{error_id}",
                )
                for name in names
            ]
    return errors
