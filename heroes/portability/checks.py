"""Refuses databases on which the service would not answer as it should.

- PostgreSQL databases that would not behave as SQLite does (heroes.E001, heroes.E002).
- A tally trigger missing or changed since its migration (heroes.E003, heroes.E004): the
  hero counts would drift from the next write (heroes.speed.tallies).

Django runs database checks before `migrate` and for `check --database default`; tests
(pytest-django migrates through call_command, which skips checks) do not pay for them.
"""

import re

from django.core.checks import Error, Tags, register
from django.db import connections

from heroes.portability import triggers
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


# The tally triggers' state in the database: name -> what the check compares.
_SQLITE_TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s"
# PostgreSQL: the function each trigger calls, whether it fires, its event and the names of
# its transition tables; a changed CREATE TRIGGER changes one of them.
_POSTGRESQL_TRIGGERS = (
    "SELECT t.tgname, p.proname, t.tgenabled <> 'D', t.tgtype, t.tgoldtable, t.tgnewtable "
    "FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
    "WHERE t.tgrelid = to_regclass(%s) AND NOT t.tgisinternal"
)
_POSTGRESQL_FUNCTIONS = (
    "SELECT proname, prosrc FROM pg_proc "
    "WHERE proname::text = ANY(%s::text[]) AND pg_function_is_visible(oid)"
)
# pg_trigger.tgtype's bits for the events; AFTER and FOR EACH STATEMENT are 0.
_FUNCTION = " function"  # PostgreSQL's, named "name()"
_EVENT_BITS = {"INSERT": 4, "DELETE": 8, "UPDATE": 16, "TRUNCATE": 32}


def _postgresql_trigger(statement: str) -> tuple:
    """What _POSTGRESQL_TRIGGERS reads for a trigger made by this CREATE TRIGGER."""

    def word_after(words: str) -> str | None:
        match = re.search(rf'{words} "?(\w+)', statement)
        return match and match[1]

    event = _EVENT_BITS[word_after("AFTER")]
    function = word_after("EXECUTE FUNCTION")
    return (function, True, event, word_after("OLD TABLE AS"), word_after("NEW TABLE AS"))


def _tally_problems(connection) -> tuple[list[str], list[str]]:
    """The tally triggers (and PostgreSQL functions) missing, and those that differ."""
    expected = triggers.expected_triggers(connection.vendor)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(_SQLITE_TRIGGERS, ["heroes_hero"])
            found = dict(cursor.fetchall())
            wanted = expected
        else:
            cursor.execute(_POSTGRESQL_TRIGGERS, ["heroes_hero"])
            found = {row[0]: tuple(row[1:]) for row in cursor.fetchall()}
            wanted = {name: _postgresql_trigger(sql) for name, sql in expected.items()}
            functions = triggers.expected_functions(connection.vendor)
            cursor.execute(_POSTGRESQL_FUNCTIONS, [list(functions)])
            found.update({f"{name}()": body for name, body in cursor.fetchall()})
            wanted.update({f"{name}()": body for name, body in functions.items()})
    return compared(found, wanted)


def compared(found: dict, wanted: dict) -> tuple[list[str], list[str]]:
    """The names `wanted` that are missing from `found`, and those whose SQL differs."""
    missing = [name for name in wanted if name not in found]
    return missing, [name for name in wanted if name in found and found[name] != wanted[name]]


@register(Tags.database)
def check_tally_triggers(app_configs=None, databases=None, **kwargs) -> list[Error]:
    return migrated_objects_errors(
        databases,
        triggers.applied,
        _tally_problems,
        ("E003", "E004"),
        lambda alias, what, name: (
            f"Database {alias!r} {what} tally trigger{_FUNCTION * name.endswith('()')} "
            f"{name!r}: hero counts go wrong from the next write."
        ),
        f"Run `{triggers.RESTORE_COMMAND} --database {{alias}}`: it recreates them as "
        "migrations 0005, 0006 and 0011 did and recounts the tallies.",
    )


def migrated_objects_errors(
    databases, applied, problems, ids: tuple[str, str], message, hint: str
) -> list[Error]:
    """For each database whose migration is `applied`: an error per object `problems` finds
    missing (the first id) or changed since that migration (the second)."""
    errors = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor not in ("sqlite", "postgresql") or not applied(connection):
            continue  # nothing to check before migrate has made them
        missing, changed = problems(connection)
        errors += [
            Error(message(alias, what, name), hint=hint.format(alias=alias), id=f"heroes.{id_}")
            for names, what, id_ in zip(
                (missing, changed), ("lacks the", "has a changed"), ids, strict=True
            )
            for name in names
        ]
    return errors
