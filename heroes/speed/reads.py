"""The JSON read path: heroes straight from database rows to dicts, no serializer per row.

A ModelSerializer calls each field's to_representation for every row, most of a page of
100 heroes. For the plain fields heroes expose (integers and strings, as the database
returns them) the result is the same, so JSON reads zip values_list() rows with the field
names; the browsable API, and serializers with other fields, keep the serializer path.
Settings name HeroListPagination (pages) and ByURLIdQuerySet (one hero by compiled query).
"""

import heapq
from collections.abc import Callable, Iterable
from functools import cache, partial
from itertools import islice
from operator import itemgetter

from django.db import DEFAULT_DB_ALIAS, router
from django.db.models import Model, QuerySet
from rest_framework import serializers
from rest_framework.settings import api_settings

from heroes import speed
from heroes.api import ids, pagination
from heroes.api.filters import HeroFilterSet, HeroOrderingFilter
from heroes.api.ids import parse_pk, wants_json
from heroes.speed import tallies
from heroes.speed.compiled_queries import CompiledQuery

_PAGES = pagination.HeroListPagination
PAGE_PARAMETERS = {_PAGES.limit_query_param, _PAGES.offset_query_param, _PAGES.cursor_query_param}
AGE_RANGE_PARAMETERS = {"age__gte", "age__lte"}
# Parameters that choose the order of the heroes, never which ones.
ORDER_PARAMETERS = {HeroOrderingFilter.ordering_param}

# Fields whose to_representation turns a database value into the same value.
_PLAIN = {serializers.IntegerField.to_representation, serializers.CharField.to_representation}


@cache
def public_fields(serializer_class: type[serializers.ModelSerializer]) -> tuple[str, ...] | None:
    """The readable field names when all are plain model columns, else None (serializer path)."""
    if serializer_class.to_representation is not serializers.Serializer.to_representation:
        return None
    model: type[Model] = serializer_class.Meta.model
    columns = {field.name for field in model._meta.concrete_fields}
    names = []
    for name, field in serializer_class().fields.items():
        if field.write_only:
            continue
        plain = type(field).to_representation in _PLAIN or (
            # BigIntegerField (the id) is a plain integer unless told to write strings.
            type(field).to_representation is serializers.BigIntegerField.to_representation
            and not getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING)
        )
        if not plain or field.source != name or name not in columns or field.source_attrs[1:]:
            return None
        names.append(name)
    return tuple(names)


def as_dicts(rows: Iterable[tuple], fields: tuple[str, ...]) -> list[dict]:
    return [dict(zip(fields, row, strict=True)) for row in rows]


@cache
def _by_id(model: type[Model], fields: tuple[str, ...]) -> CompiledQuery:
    return CompiledQuery(lambda pk: model._default_manager.filter(pk=pk).values_list(*fields), -1)


@cache
def _in_id_order(model: type[Model], fields: tuple[str, ...]) -> CompiledQuery:
    return CompiledQuery(
        lambda: model._default_manager.order_by("pk").values_list(*fields),
        suffix=" LIMIT %s OFFSET %s",
    )


def row_by_id(
    model: type[Model], fields: tuple[str, ...], raw_pk: str, using: str | None = None
) -> tuple | None:
    """The row of the model with this primary key (as the URL spells it), or None."""
    pk = parse_pk(model, raw_pk)
    if pk is None:
        return None
    rows = _by_id(model, fields).rows(pk, using=using)
    return rows[0] if rows else None


def instance_by_id(model: type[Model], raw_pk: str) -> Model | None:
    """The model instance with this primary key, as queryset.get(pk=...) returns it, or None."""
    columns = tuple(field.attname for field in model._meta.concrete_fields)
    using = router.db_for_read(model)
    row = row_by_id(model, columns, raw_pk, using)
    return None if row is None else model.from_db(using, columns, row)


class Tallied:
    """Rows in any order, for the paginator, counted by a tally rather than COUNT(*): for
    lists whose ordering changes which rows a page holds, never how many there are."""

    def __init__(self, rows: QuerySet, count: Callable[[str], int | None]):
        self.rows = rows
        self._count = count

    def count(self) -> int:
        tallied = self._count(self.rows.db)
        return self.rows.count() if tallied is None else tallied

    def __getitem__(self, page: slice) -> list:
        return list(self.rows[page])


class AllInIdOrder(Tallied):
    """Every hero in id order, for the paginator: a tallied count() and slices (rows of
    `fields`, or model instances without)."""

    def __init__(self, queryset: QuerySet, fields: tuple[str, ...] | None):
        super().__init__(queryset, tallies.total)
        self.fields = fields

    def __getitem__(self, page: slice) -> list:
        if self.fields is None:
            return list(self.rows.order_by("pk")[page])
        limit, offset = page.stop - page.start, page.start
        return _in_id_order(self.rows.model, self.fields).rows(
            using=self.rows.db, extra=(limit, offset)
        )

    def past(self, pk: int, before: bool, count: int) -> list[tuple]:
        """Up to `count` rows after the id (or before it, nearest first): one seek."""
        return _past_id(self.rows.model, self.fields, before).rows(pk, extra=(count,))


@cache
def _past_id(model: type[Model], fields: tuple[str, ...], before: bool) -> CompiledQuery:
    order, past = ("-pk", "pk__lt") if before else ("pk", "pk__gt")
    heroes = model._default_manager.order_by(order).values_list(*fields)
    return CompiledQuery(lambda pk: heroes.filter(**{past: pk}), 1_234_567_893, suffix=" LIMIT %s")


def with_or_without_age_count(without: bool, using: str = DEFAULT_DB_ALIAS) -> int | None:
    """How many heroes have no age (`without`), or have one; None where there is no tally."""
    return None if tallies.total(using) is None else tallies.with_or_without_age(without, using)


class FewAgesInIdOrder(Tallied):
    """Heroes whose age lies in a range of few ages, in id order, at a cost set by the page.

    For `age__gte=30&age__lte=31` the database would read every match and sort them by id.
    The page is the start of one id-ordered index lookup per age, merged here; each stops
    after the page, whatever the table holds. Only for exactly these two filters."""

    # Wider ranges, and deep pages, go to the database's own plan.
    MAX_AGES = 16
    MAX_ROWS = 1000

    def __init__(self, queryset: QuerySet, fields: tuple[str, ...], low: int, high: int):
        # Exact: the per-age tally, added up over the range, instead of COUNT(*).
        super().__init__(queryset, partial(tallies.count_between, low, high))
        self.fields = fields
        self.ages = range(low, high + 1)

    def __getitem__(self, page: slice) -> list[tuple]:
        if len(self.ages) > self.MAX_AGES or page.stop > self.MAX_ROWS:
            return list(self.rows.values_list(*self.fields)[page])
        query = _of_age_in_id_order(self.rows.model, self.fields)
        using = self.rows.db
        per_age = [query.rows(age, using=using, extra=(page.stop,)) for age in self.ages]
        merged = heapq.merge(*per_age, key=itemgetter(0))
        return [row[1:] for row in islice(merged, page.start, page.stop)]


@cache
def _of_age_in_id_order(model: type[Model], fields: tuple[str, ...]) -> CompiledQuery:
    in_id_order = model._default_manager.order_by("pk").values_list("pk", *fields)
    # The marker must be a valid age: the ORM compiles an impossible one to "no rows".
    return CompiledQuery(lambda age: in_id_order.filter(age=age), 1_234_567_891, suffix=" LIMIT %s")


class HeroListPagination(pagination.HeroListPagination):
    """The hero list's pages, counts and ETags, from compiled queries, rows and tallies.

    Which heroes a page holds is the database's choice either way (the queryset arrives
    filtered and ordered); here it is read as rows, counted by a tally where one counts it."""

    fields: tuple[str, ...] | None = None

    def paginate_queryset(self, queryset, request, view=None):
        if speed.on("reads") and wants_json(request):
            self.fields = public_fields(view.get_serializer_class())
        # Each row ends with the hero's version, for the page's ETag.
        self.columns = None if self.fields is None else (*self.fields, "version")
        return super().paginate_queryset(queryset, request, view)

    def pageable(self, queryset, request):
        return _to_page(queryset, request, self.columns)

    def heroes(self, queryset):
        return queryset if self.columns is None else queryset.values_list(*self.columns)

    def rows_past(self, queryset, pageable, position, count: int) -> list:
        if not isinstance(pageable, AllInIdOrder) or self.columns is None:
            return super().rows_past(queryset, pageable, position, count)
        rows = pageable.past(position.pk, position.before, count)
        return rows[::-1] if position.before else rows

    def sort_key(self, row, field: str):
        return row[self.columns.index(field)] if self.columns else super().sort_key(row, field)

    def page_data(self, page: list, view) -> list:
        if self.fields is None:
            return super().page_data(page, view)
        self.tagged_rows = page
        return as_dicts((row[:-1] for row in page), self.fields)


def _to_page(queryset: QuerySet, request, columns: tuple[str, ...] | None):
    """What the paginator pages: rows of `columns`, or heroes when None."""
    parameters = set(request.query_params) - PAGE_PARAMETERS
    if not parameters:
        return AllInIdOrder(queryset, columns)
    heroes = queryset if columns is None else queryset.values_list(*columns)
    if parameters == AGE_RANGE_PARAMETERS:
        # As django-filter read them (empty means no bound), checked already.
        low, high = (
            HeroFilterSet.clean_parameter(request.query_params, name)
            for name in ("age__gte", "age__lte")
        )
        if low is None or high is None:
            return heroes
        if columns is None:
            return Tallied(heroes, partial(tallies.count_between, low, high))
        return FewAgesInIdOrder(queryset, columns, low, high)
    filters = parameters - ORDER_PARAMETERS
    if not filters:
        return Tallied(heroes, tallies.total)
    if filters == {"age__isnull"}:
        without = HeroFilterSet.clean_parameter(request.query_params, "age__isnull")
        if without is None:
            return Tallied(heroes, tallies.total)
        return Tallied(heroes, partial(with_or_without_age_count, without))
    return heroes


class ByURLIdQuerySet(ids.ByURLIdQuerySet):
    """Finds a hero by its URL's id with a compiled query, not a queryset compiled each time."""

    def by_url_id(self, raw_pk: str) -> Model | None:
        if not speed.on("reads") or self.query.has_filters() or self._db is not None:
            return super().by_url_id(raw_pk)
        return instance_by_id(self.model, raw_pk)
