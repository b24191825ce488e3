"""How a hero's write reaches its row: Model.save() for an insert, a conditional update.

An update sets only the fields given, adds one to `version` with F() when it changes one
of the model's PUBLIC_FIELDS (a write of nothing readers see leaves it, and so the ETag:
a changed secret name must not show), and, with
`if_version`, writes only a row still at that version: a check and a write with no window
between them. It never falls back to an INSERT: a row deleted meanwhile stays deleted, and
its save raises DoesNotExist. pre_save and post_save fire as from Model.save(), so
simple-history writes the entry; Hero.save() holds them all in one transaction.

`writer()` is the class settings name (HEROES_WRITER): this one, or a faster one with the
same rules (heroproject.speed_switches).
"""

from collections.abc import Iterable
from functools import cache

from django.conf import settings
from django.db.models import Case, Expression, F, Model, Q, When, signals
from django.utils.module_loading import import_string

VERSION = "version"


class VersionChanged(Exception):
    """The row exists, but another write changed it since the expected version."""


class Writer:
    """Writes rows through Model.save() and the public ORM."""

    @classmethod
    def insert(cls, instance: Model, using: str) -> None:
        # Model.save() itself, not the model's override that sent the instance here.
        Model.save(instance, force_insert=True, using=using)

    @classmethod
    def update(
        cls,
        instance: Model,
        update_fields: Iterable[str] | None,
        if_version: int | None,
        using: str,
    ) -> None:
        """Updates `update_fields` (default: all), counting the write in `version`."""
        model = type(instance)
        fields = None if update_fields is None else frozenset(update_fields)
        if fields is not None:
            if not fields:
                return  # As save(update_fields=[]): nothing to write, no signals.
            unknown = fields - {field.name for field in model._meta.concrete_fields}
            if unknown:
                raise ValueError(f"update_fields names no concrete field: {sorted(unknown)}")
        cls.signalled(
            instance, using, fields, lambda: cls.update_row(instance, fields, if_version, using)
        )

    @staticmethod
    def signalled(
        instance: Model, using: str, fields: frozenset[str] | None, write, *, created=False
    ) -> None:
        """Runs `write()` between pre_save and post_save, sent as Model.save() sends them."""
        model = type(instance)
        signals.pre_save.send(
            sender=model, instance=instance, raw=False, using=using, update_fields=fields
        )
        write()
        instance._state.adding = False
        instance._state.db = using
        signals.post_save.send(
            sender=model,
            instance=instance,
            created=created,
            update_fields=fields,
            raw=False,
            using=using,
        )

    @classmethod
    def update_row(
        cls, instance: Model, fields: frozenset[str] | None, if_version: int | None, using: str
    ) -> None:
        """A conditional QuerySet.update(), then the row read back."""
        model = type(instance)
        values = {
            field.attname: field.pre_save(instance, add=False)
            for field in model._meta.concrete_fields
            if not field.primary_key
            and field.name != VERSION
            and (fields is None or field.name in fields)
        }
        values[VERSION] = next_version(model, values)
        written = model._base_manager.using(using).filter(pk=instance.pk)
        if if_version is not None:
            written = written.filter(**{VERSION: if_version})
        if not written.update(**values):
            raise not_written(instance, using, if_version)
        # The row as it now is, other writers' changes to the other fields included.
        instance.refresh_from_db(using=using)


def next_version(model: type[Model], values: dict) -> Expression:
    """`version` plus one if the row's public fields differ from `values` (by attname)."""
    public = [
        field.attname
        for field in model._meta.concrete_fields
        if field.name in counted_fields(model) and field.attname in values
    ]
    if not public:
        return F(VERSION)
    # Compared in the UPDATE itself, against the row as it is when written. `age=None`
    # becomes `age IS NULL`, as in filter().
    unchanged = Q(**{attname: values[attname] for attname in public})
    return Case(When(unchanged, then=F(VERSION)), default=F(VERSION) + 1)


def counted_fields(model: type[Model]) -> tuple[str, ...]:
    """The fields whose changes `version` counts: PUBLIC_FIELDS, or every field."""
    return getattr(
        model, "PUBLIC_FIELDS", tuple(field.name for field in model._meta.concrete_fields)
    )


def not_written(instance: Model, using: str, if_version: int | None) -> Exception:
    """Why an update wrote no row: it changed since `if_version`, or it is gone."""
    model = type(instance)
    name = f"{model._meta.object_name} {instance.pk}"
    if (
        if_version is not None
        and model._default_manager.using(using).filter(pk=instance.pk).exists()
    ):
        return VersionChanged(f"{name} is no longer {if_version}.")
    return model.DoesNotExist(f"{name} no longer exists.")


def writer() -> type[Writer]:
    """The writer settings name; read per call, so tests may switch it."""
    return _imported(settings.HEROES_WRITER)


@cache
def _imported(path: str) -> type[Writer]:
    return import_string(path)
