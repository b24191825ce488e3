"""Search over the hero's name, and one value per list parameter."""

from rest_framework.exceptions import ValidationError
from rest_framework.fields import CharField
from rest_framework.filters import (
    BaseFilterBackend,
    SearchFilter,
    search_smart_split,
)

from heroes.models import NAME_MAX_LENGTH


class HeroSearchFilter(SearchFilter):
    """DRF search over `name`, refusing terms longer than a name can be."""

    def get_search_terms(self, request):
        value = request.query_params.get(self.search_param)
        if value is None:
            return []
        field = CharField(trim_whitespace=False, allow_blank=True, max_length=NAME_MAX_LENGTH)
        try:
            cleaned = field.run_validation(value)
        except ValidationError as exc:
            # Name the parameter, as every other query error does.
            raise ValidationError({self.search_param: exc.detail}) from None
        return search_smart_split(cleaned)


class SingleValueFilter(BaseFilterBackend):
    """Refuses a list parameter given twice (`age=1&age=2`): each takes one value.

    Otherwise the last value would win silently, and `age=&age=5` would mean `age=5`.
    `ordering` is the exception: HeroOrderingFilter reads every value it is given.
    """

    def filter_queryset(self, request, queryset, view):
        # limit and offset: the paginator checks them (heroes.api.pagination).
        names = [*view.filterset_class.base_filters, HeroSearchFilter.search_param]
        repeated = [name for name in names if len(request.query_params.getlist(name)) > 1]
        if repeated:
            raise ValidationError({name: ["Give this parameter once."] for name in repeated})
        return queryset
