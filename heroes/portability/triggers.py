"""The tally triggers (heroes.speed.tallies) as their migrations create them.

The SQL is read from the migrations themselves (0005, 0006 and 0011): the database check
compares the database with it (heroes.portability.checks), and `manage.py
restore_tally_triggers` runs it again. A migration that rebuilds `heroes_hero` on SQLite,
or a hand-made DROP, loses the triggers; from then on the counts drift.
"""

import importlib
import os
import re

from django.db.migrations.recorder import MigrationRecorder

APP = "heroes"
MIGRATIONS = ("0005_herotally", "0006_heroagetally", "0011_age_tally_in_age_order")
RESTORE_COMMAND = "python manage.py restore_tally_triggers"

_TRIGGER = re.compile(r'CREATE TRIGGER "(?P<name>[^"]+)"')
_FUNCTION = re.compile(
    r'CREATE (?:OR REPLACE )?FUNCTION "(?P<name>[^"]+)"\(\).*? AS \$\$(?P<body>.*)\$\$', re.DOTALL
)
_INSERT = re.compile(r'INSERT INTO "(?P<table>[^"]+)"')


def _migration_statements(vendor: str) -> list[tuple[list[str], list[str]]]:
    """Each tally migration's (forward, backward) statements on this backend."""
    found = []
    for name in MIGRATIONS:
        module = importlib.import_module(f"{APP}.migrations.{name}")
        found.append(module.STATEMENTS.get(vendor, ([], [])))
    return found


def applied(connection) -> bool:
    """Whether every tally migration is applied: before that there is nothing to check."""
    path = getattr(connection, "database_path", lambda: None)()
    if path is not None and not os.path.exists(path):
        return False  # an SQLite file that `migrate` has yet to create (heroes.portability.sqlite3)
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return False
    return {(APP, name) for name in MIGRATIONS} <= set(recorder.applied_migrations())


def expected_triggers(vendor: str) -> dict[str, str]:
    """Trigger name -> its CREATE TRIGGER statement."""
    return {
        match["name"]: statement
        for forward, _ in _migration_statements(vendor)
        for statement in forward
        if (match := _TRIGGER.match(statement))
    }


def expected_functions(vendor: str) -> dict[str, str]:
    """PostgreSQL: function name -> the body its last migration gave it (between the $$)."""
    return {
        match["name"]: match["body"]
        for forward, _ in _migration_statements(vendor)
        for statement in forward
        if (match := _FUNCTION.match(statement))
    }


def restore_statements(vendor: str) -> list[str]:
    """Drops the tally triggers and functions, recounts both tallies, and creates them again,
    as migrations 0005, 0006 and 0011 left them. The tables and their rows stay."""
    migrations = _migration_statements(vendor)
    drops = [
        statement
        for _, backward in migrations[:2]  # 0011 only replaces 0006's functions
        for statement in backward
        if statement.startswith(("DROP TRIGGER", "DROP FUNCTION"))
    ]
    creates = []
    for forward, _ in migrations:
        for statement in forward:
            if statement.startswith("CREATE TABLE"):
                continue
            if match := _INSERT.match(statement):
                creates.append(f'DELETE FROM "{match["table"]}"')  # the INSERT recounts it
            creates.append(statement)
    return drops + creates
