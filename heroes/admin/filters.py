"""The hero changelist's age filters, counted by the tallies rather than COUNT(*)."""

from django.contrib import admin
from django.contrib.admin.views.main import IS_FACETS_VAR, ORDER_VAR, PAGE_VAR
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from heroes.models import AGE_MAX
from heroes.speed import tallies

# The admin's age ranges: (label, youngest, oldest), both ages included.
AGE_RANGES = {
    "under-18": ("Under 18", 0, 17),
    "18-30": ("18 to 30", 18, 30),
    "31-50": ("31 to 50", 31, 50),
    "over-50": ("Over 50", 51, AGE_MAX),
}


class AgeRangeFilter(admin.SimpleListFilter):
    """Heroes whose age is in one range, a BETWEEN on the age index."""

    title = "age"
    parameter_name = "age_range"

    def lookups(self, request, model_admin):
        return [(value, label) for value, (label, _, _) in AGE_RANGES.items()]

    def queryset(self, request, queryset):
        if self.value() not in AGE_RANGES:
            return queryset
        _, youngest, oldest = AGE_RANGES[self.value()]
        return queryset.filter(age__range=(youngest, oldest))


class HasAgeFilter(admin.SimpleListFilter):
    """Heroes with an age or without one, an IS NULL on the age index."""

    title = "has age"
    parameter_name = "has_age"
    CHOICES = {"yes": False, "no": True}  # value: age__isnull

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() not in self.CHOICES:
            return queryset
        return queryset.filter(age__isnull=self.CHOICES[self.value()])


def tallied_count(params, using: str) -> int | None:
    """How many heroes the admin's age filters keep, from the tallies rather than COUNT(*).

    None when the query holds anything else (a search, another filter, a value no
    filter knows): the paginator counts those.
    """
    age_range = params.get(AgeRangeFilter.parameter_name)
    has_age = params.get(HasAgeFilter.parameter_name)
    filters = {AgeRangeFilter.parameter_name, HasAgeFilter.parameter_name}
    if (
        set(params) - {ORDER_VAR, PAGE_VAR, IS_FACETS_VAR} - filters  # facets: never shown
        or any(len(params.getlist(name)) > 1 for name in filters)
        or age_range not in (None, *AGE_RANGES)
        or has_age not in (None, *HasAgeFilter.CHOICES)
    ):
        return None
    total = tallies.total(using)
    if total is None:
        return None  # not migrated
    if has_age == "no":
        # Heroes without an age are in no age range.
        return 0 if age_range else total - tallies.count_between(0, AGE_MAX, using)
    if age_range:
        _, youngest, oldest = AGE_RANGES[age_range]
        return tallies.count_between(youngest, oldest, using)
    if has_age == "yes":
        return tallies.count_between(0, AGE_MAX, using)
    return total


class TalliedPaginator(Paginator):
    """Pages of heroes whose count comes from the tallies rather than COUNT(*)."""

    def __init__(self, object_list, per_page, *, params, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.params = params

    @cached_property
    def count(self) -> int:
        tallied = tallied_count(self.params, self.object_list.db)
        return super().count if tallied is None else tallied
