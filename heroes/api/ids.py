"""What a request names: the id in a URL, and whether the answer is plain JSON."""

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import IntegerField, Model, QuerySet
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from heroes.api.serializers import INTEGER_TEXT


def parse_pk(model: type[Model], raw_pk: str) -> object | None:
    """The primary key the URL spells, or None when no row can have it."""
    pk_field = model._meta.pk
    # int() also reads " 6", "6\n", "+6", "6_0" and "٦" as a number; an id is plain digits.
    if isinstance(pk_field, IntegerField) and not INTEGER_TEXT.fullmatch(raw_pk):
        return None
    try:
        pk = pk_field.to_python(raw_pk)
    except ValidationError:
        return None
    # As the ORM does: a number no column can hold matches nothing (and is never sent).
    low, high = connections[DEFAULT_DB_ALIAS].ops.integer_field_range(pk_field.get_internal_type())
    if (low is not None and pk < low) or (high is not None and pk > high):
        return None
    return pk


def wants_json(request: Request) -> bool:
    """True when the answer will be plain JSON, not the browsable API's HTML."""
    return isinstance(getattr(request, "accepted_renderer", None), JSONRenderer)


class ByURLIdQuerySet(QuerySet):
    """A QuerySet that finds one row by the id as a URL spells it.

    The viewset's queryset is of the class settings name (HEROES_QUERYSET_CLASS): this one,
    or one that finds the row more cheaply (heroproject.speed_switches).
    """

    def by_url_id(self, raw_pk: str) -> Model | None:
        pk = parse_pk(self.model, raw_pk)
        return None if pk is None else self.filter(pk=pk).first()
