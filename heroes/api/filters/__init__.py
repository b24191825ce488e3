"""What narrows and orders the hero list, with strict 400s for anything it cannot read.

- `values`: true/false and integer query values as OpenAPI writes them.
- `filterset`: HeroFilterSet (name and age) and HeroFilterBackend.
- `search`: HeroSearchFilter over the name, and SingleValueFilter (each parameter once).
- `ordering`: HeroOrderingFilter, one field either way, id breaking ties, nulls last.
"""

from heroes.api.filters.filterset import HeroFilterBackend, HeroFilterSet
from heroes.api.filters.ordering import (
    DEFAULT_ORDERING,
    ORDERING_FIELDS,
    ORDERING_TERMS,
    HeroOrderingFilter,
    order_by,
)
from heroes.api.filters.search import HeroSearchFilter, SingleValueFilter

__all__ = [
    "DEFAULT_ORDERING",
    "ORDERING_FIELDS",
    "ORDERING_TERMS",
    "HeroFilterBackend",
    "HeroFilterSet",
    "HeroOrderingFilter",
    "HeroSearchFilter",
    "SingleValueFilter",
    "order_by",
]
