"""What narrows and orders the hero list, with strict 400s for anything it cannot read.

- `values`: true/false and integer query values as OpenAPI writes them.
- `filterset`: HeroFilterSet (name and age) and HeroFilterBackend.
- `search`: HeroSearchFilter over the name, and SingleValueFilter (each parameter once).
- `ordering`: HeroOrderingFilter, heroes without an age last either way.
"""

from heroes.api.filters.filterset import HeroFilterBackend, HeroFilterSet
from heroes.api.filters.ordering import ORDERING_FIELDS, HeroOrderingFilter
from heroes.api.filters.search import HeroSearchFilter, SingleValueFilter

__all__ = [
    "ORDERING_FIELDS",
    "HeroFilterBackend",
    "HeroFilterSet",
    "HeroOrderingFilter",
    "HeroSearchFilter",
    "SingleValueFilter",
]
