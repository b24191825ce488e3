"""An index per order the hero list offers, id breaking ties (heroes.indexes, Hero.Meta),
and the heroes without an age in id order.

The single-column indexes on name and age go: the (name, id) and (age, id) indexes
start with those columns and serve their filters as well. On SQLite, Django would drop
an index of a field by rebuilding the table, and the rebuild drops the hero tally's
triggers with it (migrations 0005 and 0006): there each index is dropped by its name.
"""

import django.core.validators
from django.db import migrations, models

import heroes.indexes
import heroes.portability.fields

COLUMNS = ("name", "age")


def _fields(apps, column: str):
    hero = apps.get_model("heroes", "Hero")
    indexed, plain = (hero._meta.get_field(column).clone() for _ in range(2))
    for field, db_index in ((indexed, True), (plain, False)):
        field.db_index = db_index
        field.set_attributes_from_name(column)
        field.model = hero
    return hero, indexed, plain


def drop_column_indexes(apps, schema_editor):
    for column in COLUMNS:
        hero, indexed, plain = _fields(apps, column)
        if schema_editor.connection.vendor != "sqlite":
            schema_editor.alter_field(hero, indexed, plain)
            continue
        # The name Django gave the index of `db_index=True` (not 0007's prefix indexes).
        name = schema_editor._create_index_name(hero._meta.db_table, [indexed.column])
        schema_editor.execute(schema_editor._delete_index_sql(hero, name))


def restore_column_indexes(apps, schema_editor):
    for column in COLUMNS:
        hero, indexed, plain = _fields(apps, column)
        if schema_editor.connection.vendor != "sqlite":
            schema_editor.alter_field(hero, plain, indexed)
            continue
        schema_editor.execute(schema_editor._create_index_sql(hero, fields=[indexed]))


class Migration(migrations.Migration):
    dependencies = [
        ("heroes", "0013_api_tokens"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="hero",
                    name="age",
                    field=models.PositiveIntegerField(
                        blank=True,
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(2147483647)],
                    ),
                ),
                migrations.AlterField(
                    model_name="hero",
                    name="name",
                    field=heroes.portability.fields.CodePointCharField(max_length=255),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_column_indexes, restore_column_indexes),
            ],
        ),
        migrations.AddIndex(
            model_name="hero",
            index=heroes.indexes.ListOrderIndex(fields=["name", "id"], name="hero_name_id"),
        ),
        migrations.AddIndex(
            model_name="hero",
            index=heroes.indexes.ListOrderIndex(fields=["-name", "id"], name="hero_name_desc_id"),
        ),
        migrations.AddIndex(
            model_name="hero",
            index=heroes.indexes.ListOrderIndex(fields=["age", "id"], name="hero_age_id"),
        ),
        migrations.AddIndex(
            model_name="hero",
            index=heroes.indexes.ListOrderIndex(fields=["-age", "id"], name="hero_age_desc_id"),
        ),
        migrations.AddIndex(
            model_name="hero",
            index=models.Index(
                condition=models.Q(("age__isnull", True)), fields=["id"], name="hero_no_age_id"
            ),
        ),
    ]
