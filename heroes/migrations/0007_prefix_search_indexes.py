# Indexes for the admin's name search, a case-insensitive prefix match (heroes/admin/hero.py).

from django.db import migrations

COLUMNS = ("name", "secret_name")


def _index(column: str) -> str:
    return f"heroes_hero_{column}_prefix"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for column in COLUMNS:
        if vendor == "sqlite":
            # SQLite's LIKE folds ASCII case; it uses an index only if that index folds alike.
            expression = f'"{column}" COLLATE NOCASE'
        elif vendor == "postgresql":
            # The expression Django's istartswith compares, UPPER("column"::text), with the
            # operator class that serves LIKE 'prefix%' whatever the column's collation.
            expression = f'UPPER("{column}"::text) text_pattern_ops'
        else:
            continue
        schema_editor.execute(f'CREATE INDEX "{_index(column)}" ON "heroes_hero" ({expression})')


def drop(apps, schema_editor):
    for column in COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{_index(column)}"')


class Migration(migrations.Migration):
    dependencies = [
        ("heroes", "0006_heroagetally"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
