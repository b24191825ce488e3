"""Hero writes in one INSERT or UPDATE ... RETURNING: heroes.versions' rules, SQL written once.

Model.save() builds and compiles an INSERT or an UPDATE on every call, which costs more
than the rest of a write request. Here the statement's SQL is written once per model,
fields and database from the model's own metadata, and values go through each field's
get_db_prep_save(), as the ORM sends them. pre_save and post_save fire as from save(), in
the transaction Hero.save() holds, so simple-history's entry commits or rolls back with it.

An update keeps heroes.versions.Writer's rules: only the fields given, `version` plus one
when a public field changes (compared in the same statement), with `if_version` only a
row still at that version, never an INSERT of a row deleted meanwhile; the whole row
comes back in the same statement. Settings name this class as HEROES_WRITER; switched off
(heroproject.speed_switches), heroes.versions.Writer writes.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, transaction
from django.db.models import Field, Model

from heroes.versions import VERSION, Writer, counted_fields, not_written


class OneStatementWriter(Writer):
    """heroes.versions.Writer, each write one statement whose SQL is written once."""

    @classmethod
    def insert(cls, instance: Model, using: str) -> None:
        cls.signalled(instance, using, None, lambda: _insert(instance, using), created=True)

    @classmethod
    def update_row(
        cls, instance: Model, fields: frozenset[str] | None, if_version: int | None, using: str
    ) -> None:
        _update(instance, using, fields, if_version)


def _insert(instance: Model, using: str) -> None:
    model = type(instance)
    connection = connections[using]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    values = [
        field.get_db_prep_save(field.pre_save(instance, add=True), connection) for field in fields
    ]
    with _statement(connection) as cursor:
        cursor.execute(_insert_sql(model, using), values)
        (pk,) = cursor.fetchone()
    instance.pk = pk


def _update(
    instance: Model, using: str, update_fields: frozenset[str] | None, if_version: int | None
) -> None:
    model = type(instance)
    connection = connections[using]
    meta = model._meta
    version = _version_field(model)
    fields = tuple(
        field
        for field in meta.concrete_fields
        if not field.primary_key
        and field is not version
        and (update_fields is None or field.name in update_fields)
    )
    values = [
        field.get_db_prep_save(field.pre_save(instance, add=False), connection) for field in fields
    ]
    pk = meta.pk.get_db_prep_value(instance.pk, connection)
    parameters = [*values]
    if version is not None:
        # Again for the CASE that leaves `version` as it was when no public field changes.
        counted = counted_fields(model)
        parameters.extend(
            value for field, value in zip(fields, values, strict=True) if field.name in counted
        )
    parameters.append(pk)
    if if_version is not None:
        parameters.append(if_version)
    sql = _update_sql(model, tuple(f.name for f in fields), using, if_version is not None)
    with _statement(connection) as cursor:
        cursor.execute(sql, parameters)
        row = cursor.fetchone()
    if row is None:
        raise not_written(instance, using, if_version)
    # The row as it now is, other writers' changes to the other fields included, converted
    # as the ORM converts what it reads.
    for field, converters, value in zip(
        meta.concrete_fields, _converters(model, using), row, strict=True
    ):
        column = field.get_col(meta.db_table)
        for convert in converters:
            value = convert(value, column, connection)
        setattr(instance, field.attname, value)


@contextmanager
def _statement(connection) -> Iterator:
    # As Model.save_base: a failed statement spoils an enclosing transaction. A row found
    # missing or changed is no database error, so it leaves the transaction usable.
    with (
        transaction.mark_for_rollback_on_error(using=connection.alias),
        connection.cursor() as cursor,
    ):
        yield cursor


@cache
def _converters(model: type[Model], using: str) -> list[list]:
    connection = connections[using]
    converters = []
    for field in model._meta.concrete_fields:
        column = field.get_col(model._meta.db_table)
        converters.append(
            connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        )
    return converters


@cache
def _insert_sql(model: type[Model], using: str) -> str:
    quote = connections[using].ops.quote_name
    meta = model._meta
    columns = [field.column for field in meta.concrete_fields if not field.primary_key]
    return (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(map(quote, columns))}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) RETURNING {quote(meta.pk.column)}"
    )


@cache
def _version_field(model: type[Model]) -> Field | None:
    try:
        return model._meta.get_field(VERSION)
    except FieldDoesNotExist:
        return None


def _next_version(model: type[Model], names: tuple[str, ...], using: str, column: str) -> str:
    """heroes.versions.next_version in SQL: plus one unless no public field changes."""
    connection = connections[using]
    # Equal, NULL to NULL included; SQLite's IS is its IS NOT DISTINCT FROM.
    same_as = " IS " if connection.vendor == "sqlite" else " IS NOT DISTINCT FROM "
    same = [
        connection.ops.quote_name(model._meta.get_field(name).column) + same_as + "%s"
        for name in names
        if name in counted_fields(model)
    ]
    if not same:
        return column
    return f"CASE WHEN {' AND '.join(same)} THEN {column} ELSE {column} + 1 END"


@cache
def _update_sql(model: type[Model], names: tuple[str, ...], using: str, checked: bool) -> str:
    quote = connections[using].ops.quote_name
    meta = model._meta
    sets = [f"{quote(meta.get_field(name).column)} = %s" for name in names]
    where = f"{quote(meta.pk.column)} = %s"
    version = _version_field(model)
    if version is not None:
        column = quote(version.column)
        sets.append(f"{column} = {_next_version(model, names, using, column)}")
        if checked:
            where += f" AND {column} = %s"
    returning = ", ".join(quote(field.column) for field in meta.concrete_fields)
    return (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(sets)} WHERE {where} RETURNING {returning}"
    )
