"""Ordering by id, name and age, nulls last, strictly."""

from django.db.models import F
from rest_framework.exceptions import ValidationError
from rest_framework.filters import (
    OrderingFilter,
)

ORDERING_FIELDS = ["id", "name", "age"]


class HeroOrderingFilter(OrderingFilter):
    """Ordering by id, name and age; heroes without an age sort last either way.

    Unknown or repeated terms answer 400 rather than being dropped silently, so a
    client asking for `secret_name` learns it cannot sort by it. Terms come
    comma-separated (`ordering=-age,name`) or as a repeated parameter
    (`ordering=-age&ordering=name`), as generated clients send arrays; or both.
    """

    def get_ordering(self, request, queryset, view):
        values = request.query_params.getlist(self.ordering_param)
        if not values:
            return self.get_default_ordering(view)
        terms = [term.strip() for term in ",".join(values).split(",")]
        allowed = {name for name, _ in self.get_valid_fields(queryset, view, {"request": request})}
        if any(not term for term in terms):
            raise self._error("Empty ordering term.")
        unknown = [term for term in terms if term.lstrip("-") not in allowed]
        if unknown:
            raise self._error(
                f"Unknown ordering field {unknown[0][:50]!r}; choose from "
                + ", ".join(sorted(allowed))
                + " (prefix with '-' to reverse)."
            )
        if len(set(terms)) != len(terms):
            raise self._error("Each ordering term may appear once.")
        return terms

    def _error(self, message: str) -> ValidationError:
        return ValidationError({self.ordering_param: [message]})

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view) or []
        expressions = []
        seen = set()
        for term in ordering:
            field = term.lstrip("-")
            if field in seen:
                continue  # "age,-age": the first term decides.
            seen.add(field)
            # NULLS LAST only where NULLs exist: on a NOT NULL column it would stop
            # PostgreSQL from reading the index backwards for a descending order.
            nulls_last = True if queryset.model._meta.get_field(field).null else None
            if term.startswith("-"):
                expressions.append(F(field).desc(nulls_last=nulls_last))
            else:
                expressions.append(F(field).asc(nulls_last=nulls_last))
        if "id" not in seen:
            # A unique tie-breaker keeps pages stable while the client walks them.
            expressions.append(F("id").asc())
        return queryset.order_by(*expressions)
