"""Model.save() for a validated hero in one statement, with the model's signals.

Model.save() builds and compiles an INSERT or an UPDATE on every call, which costs more
than the rest of a write request. Here the statement's SQL is written once per model,
fields and database from the model's own metadata, and values go through each field's
get_db_prep_save(), as the ORM sends them. pre_save and post_save fire as from save(),
inside one transaction with the write whenever there are receivers, so they (an audit
log, say) see every change and commit or roll back with it.

An update sets only the fields given and returns the whole row as it now is: two
concurrent updates of different fields both hold without a row lock, and an update of a
row deleted meanwhile writes nothing and raises DoesNotExist instead of inserting it again.
A field named `version` counts the writes to a row, as Hero.save() counts them: the
UPDATE adds one to it, and with `if_version` it writes only a row still at that version,
a check and a write with no window between them.

Switched off, the same rules hold through Model.save() and the public ORM, in one
transaction: an INSERT by Model.save(), an update by a conditional QuerySet.update() that
adds one to `version` with F(), and the row read back.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from functools import cache

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, router, transaction
from django.db.models import F, Field, Model, signals

from heroes import speed

VERSION = "version"


class VersionChanged(Exception):
    """The row exists, but another write changed it since the expected version."""


def save(
    instance: Model,
    update_fields: Iterable[str] | None = None,
    *,
    if_version: int | None = None,
    using: str | None = None,
) -> None:
    """Inserts a new instance, or updates `update_fields` (default: all) of a saved one.

    With `if_version`, an update writes only if the row is still at that version, and
    raises VersionChanged otherwise. `using` names the database, as in Model.save().
    """
    model = type(instance)
    using = using or router.db_for_write(model, instance=instance)
    adding = instance._state.adding
    fields = None if update_fields is None else frozenset(update_fields)
    if fields is not None:
        if not fields:
            return  # As save(update_fields=[]): nothing to write, no signals.
        unknown = fields - {field.name for field in model._meta.concrete_fields}
        if unknown:
            raise ValueError(f"update_fields names no concrete field: {sorted(unknown)}")
    if if_version is not None and _version_field(model) is None:
        raise ValueError(f"{model._meta.object_name} has no {VERSION} field to check.")
    plain = not speed.on("saving")
    if plain and adding:
        # Model.save() itself, not the model's override that sent the instance here.
        with transaction.atomic(using=using):
            Model.save(instance, force_insert=True, using=using)
        return
    # With receivers, one transaction holds their writes and this one; without, the single
    # statement is atomic on its own. The plain way's read-back is a second statement.
    receivers = signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model)
    with transaction.atomic(using=using) if receivers or plain else nullcontext():
        signals.pre_save.send(
            sender=model, instance=instance, raw=False, using=using, update_fields=fields
        )
        if adding:
            _insert(instance, using)
        elif plain:
            _update_through_orm(instance, using, fields, if_version)
        else:
            _update(instance, using, fields, if_version)
        instance._state.adding = False
        instance._state.db = using
        signals.post_save.send(
            sender=model,
            instance=instance,
            created=adding,
            update_fields=fields,
            raw=False,
            using=using,
        )


def _update_through_orm(
    instance: Model, using: str, update_fields: frozenset[str] | None, if_version: int | None
) -> None:
    """_update() by the public ORM: a conditional QuerySet.update(), then the row read back."""
    model = type(instance)
    version = _version_field(model)
    values = {
        field.attname: field.pre_save(instance, add=False)
        for field in model._meta.concrete_fields
        if not field.primary_key
        and field is not version
        and (update_fields is None or field.name in update_fields)
    }
    stored = model._base_manager.using(using).filter(pk=instance.pk)
    written = stored
    if version is not None:
        values[version.attname] = F(version.attname) + 1
    if if_version is not None:
        written = stored.filter(**{version.attname: if_version})
    # Never Model.save()'s fallback to an INSERT: a row deleted meanwhile stays deleted.
    if not written.update(**values):
        raise _not_written(instance, using, if_version)
    # The row as it now is, other writers' changes to the other fields included.
    instance.refresh_from_db(using=using)


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
    parameters = [*values, pk]
    if if_version is not None:
        parameters.append(if_version)
    sql = _update_sql(model, tuple(f.name for f in fields), using, if_version is not None)
    with _statement(connection) as cursor:
        cursor.execute(sql, parameters)
        row = cursor.fetchone()
    if row is None:
        raise _not_written(instance, using, if_version)
    # The row as it now is, other writers' changes to the other fields included, converted
    # as the ORM converts what it reads.
    for field, converters, value in zip(
        meta.concrete_fields, _converters(model, using), row, strict=True
    ):
        column = field.get_col(meta.db_table)
        for convert in converters:
            value = convert(value, column, connection)
        setattr(instance, field.attname, value)


def _not_written(instance: Model, using: str, if_version: int | None) -> Exception:
    """Why an update wrote no row: it changed since `if_version`, or it is gone."""
    model = type(instance)
    name = f"{model._meta.object_name} {instance.pk}"
    if (
        if_version is not None
        and model._default_manager.using(using).filter(pk=instance.pk).exists()
    ):
        return VersionChanged(f"{name} is no longer {if_version}.")
    return model.DoesNotExist(f"{name} no longer exists.")


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


@cache
def _update_sql(model: type[Model], names: tuple[str, ...], using: str, checked: bool) -> str:
    quote = connections[using].ops.quote_name
    meta = model._meta
    sets = [f"{quote(meta.get_field(name).column)} = %s" for name in names]
    where = f"{quote(meta.pk.column)} = %s"
    version = _version_field(model)
    if version is not None:
        column = quote(version.column)
        sets.append(f"{column} = {column} + 1")
        if checked:
            where += f" AND {column} = %s"
    returning = ", ".join(quote(field.column) for field in meta.concrete_fields)
    return (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(sets)} WHERE {where} RETURNING {returning}"
    )
