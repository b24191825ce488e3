"""Ordering by one of id, name and age, either way, nulls last, id breaking ties."""

from django.db.models import F
from rest_framework.exceptions import ValidationError
from rest_framework.filters import (
    OrderingFilter,
)

ORDERING_FIELDS = ["id", "name", "age"]
# Every order the list offers: each is read from an index (heroes.models, Hero.Meta).
ORDERING_TERMS = [prefix + field for field in ORDERING_FIELDS for prefix in ("", "-")]
DEFAULT_ORDERING = "id"


class HeroOrderingFilter(OrderingFilter):
    """Ordering by one field, id, name or age, either way; heroes without an age sort last.

    Anything else answers 400 rather than being dropped silently, so a client asking for
    `secret_name` learns it cannot sort by it. One field only: each order has an index
    with id as its tie-breaker, and a second field (`name,age`) would have none, so a
    single request could make the database sort the whole table.
    """

    def get_ordering(self, request, queryset, view):
        values = request.query_params.getlist(self.ordering_param)
        if not values:
            return [DEFAULT_ORDERING]
        if len(values) > 1 or "," in values[0]:
            raise self._error(
                "Order by one field: " + ", ".join(ORDERING_TERMS) + " (ties go by id)."
            )
        term = values[0].strip()
        if term not in ORDERING_TERMS:
            raise self._error(
                f"Unknown ordering {term[:50]!r}; choose one of " + ", ".join(ORDERING_TERMS) + "."
            )
        return [term]

    def _error(self, message: str) -> ValidationError:
        return ValidationError({self.ordering_param: [message]})

    def filter_queryset(self, request, queryset, view):
        (term,) = self.get_ordering(request, queryset, view)
        return queryset.order_by(*order_by(queryset.model, term))


def order_by(model, term: str) -> list:
    """The ORDER BY of one ordering term: that field, then id (ascending) to break ties."""
    field = term.lstrip("-")
    # NULLS LAST only where NULLs exist: on a NOT NULL column it would stop PostgreSQL
    # from reading the index backwards for a descending order.
    nulls_last = True if model._meta.get_field(field).null else None
    if term.startswith("-"):
        expressions = [F(field).desc(nulls_last=nulls_last)]
    else:
        expressions = [F(field).asc(nulls_last=nulls_last)]
    if field != "id":
        # A unique tie-breaker keeps pages stable while the client walks them.
        expressions.append(F("id").asc())
    return expressions


def ordering_term(request) -> str:
    """The list's ordering term as the request asks for it (400 if it cannot be read)."""
    (term,) = HeroOrderingFilter().get_ordering(request, None, None)
    return term
