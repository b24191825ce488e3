"""Refuses PostgreSQL databases on which the service would not behave as on SQLite.

Django runs database checks before `migrate` and for `check --database default`.
"""

from django.core.checks import Error, Tags, register
from django.db import connections

from heroes.portability.lookups import POSTGRESQL_CASE_COLLATION


@register(Tags.database)
def check_postgresql_database(app_configs=None, databases=None, **kwargs) -> list[Error]:
    errors = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('server_encoding'), "
                "EXISTS (SELECT 1 FROM pg_collation WHERE collname = %s)",
                [POSTGRESQL_CASE_COLLATION],
            )
            encoding, has_case_collation = cursor.fetchone()
        if encoding != "UTF8":
            # Any other encoding turns names it cannot hold into server errors.
            errors.append(
                Error(
                    f"Database {alias!r} uses the {encoding} encoding; heroes need UTF8.",
                    hint="Create the database with ENCODING 'UTF8' (and TEMPLATE template0).",
                    id="heroes.E001",
                )
            )
        if not has_case_collation:
            errors.append(
                Error(
                    f"Database {alias!r} has no {POSTGRESQL_CASE_COLLATION!r} collation, "
                    "which case-insensitive search needs.",
                    hint="Use a PostgreSQL server built with ICU support, as Debian's is.",
                    id="heroes.E002",
                )
            )
    return errors
