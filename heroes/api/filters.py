import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F
from django.template import loader
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.fields import CharField
from rest_framework.filters import (
    BaseFilterBackend,
    OrderingFilter,
    SearchFilter,
    search_smart_split,
)

from heroes.api.serializers import INTEGER_TEXT
from heroes.models import AGE_MAX, NAME_MAX_LENGTH, Hero

ORDERING_FIELDS = ["id", "name", "age"]
# A boolean filter's choices in the browsable API's filter form.
YES_NO_CHOICES = [("", "Any"), ("true", "Yes"), ("false", "No")]


class StrictBooleanField(forms.NullBooleanField):
    """A boolean query value that must be true or false; anything else is an error."""

    # NullBooleanSelect would quietly turn "maybe" into None before validation. The
    # browsable API's form draws a select of the two values instead (HeroFilterBackend).
    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        # Exactly as OpenAPI writes a boolean in a query: "True" or "1" is not one.
        if value == "true":
            return True
        if value == "false":
            return False
        raise DjangoValidationError("Must be true or false.", code="invalid")

    def validate(self, value) -> None:
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class StrictIntegerField(forms.IntegerField):
    """An integer query value in plain ASCII digits: not " 5", "5.0", "+5" or "1_0"."""

    def to_python(self, value):
        if value not in self.empty_values and not INTEGER_TEXT.fullmatch(str(value)):
            raise DjangoValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class AgeFilter(django_filters.NumberFilter):
    field_class = StrictIntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", AGE_MAX)
        super().__init__(*args, field_name="age", **kwargs)


class HeroFilterSet(django_filters.FilterSet):
    """Filters the hero list by name and age; secret_name is deliberately absent."""

    # strip=False: the length limit applies to what was sent, and spaces inside a
    # substring search are part of it.
    name = django_filters.CharFilter(field_name="name", max_length=NAME_MAX_LENGTH, strip=False)
    name__icontains = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", max_length=NAME_MAX_LENGTH, strip=False
    )
    age = AgeFilter()
    age__gte = AgeFilter(lookup_expr="gte")
    age__lte = AgeFilter(lookup_expr="lte")
    age__isnull = StrictBooleanFilter(
        field_name="age", lookup_expr="isnull", label="Without an age"
    )

    class Meta:
        model = Hero
        fields = [
            "name",
            "name__icontains",
            "age",
            "age__gte",
            "age__lte",
            "age__isnull",
        ]

    def get_form_class(self):
        # django-filter builds a new form class (labels, fields) for every request; the
        # filters never change, so one per FilterSet class serves them all.
        form_class = _FORM_CLASSES.get(type(self))
        if form_class is None:
            form_class = _FORM_CLASSES[type(self)] = super().get_form_class()
        return form_class

    @classmethod
    def clean_parameter(cls, data, name: str):
        """The value of one filter's parameter in `data`, as the FilterSet's form reads and
        cleans it (raises Django's ValidationError)."""
        # The form class's own fields: built from filters that know the model, so their
        # labels are the browsable API's too.
        form_class = _FORM_CLASSES.get(cls) or cls().get_form_class()
        field = form_class.base_fields[name]
        return field.clean(field.widget.value_from_datadict(data, {}, name))

    @classmethod
    def filter_data(cls, data, queryset):
        """`cls(data, queryset).qs`, or the ValidationError django-filter's backend raises.

        Without a FilterSet, a deep copy of its filters and a form per request, which cost
        more than the rest of a filtered page: each parameter present is cleaned as the
        form would clean it, and filtered by the class's own filter. A filter keeps no
        state per request but its `model` and `parent`, which only method filters (there
        are none) read.
        """
        errors = {}
        for name, filter_ in cls.base_filters.items():
            if name not in data:
                continue  # the form would clean it to nothing, and the filter skip it
            try:
                value = cls.clean_parameter(data, name)
            except DjangoValidationError as error:
                # As django_filters.utils.translate_validation spells a form's errors.
                errors[name] = [
                    ErrorDetail(item.message % (item.params or ()), code=item.code)
                    for item in error.error_list
                ]
                continue
            queryset = filter_.filter(queryset, value)
        if errors:
            raise ValidationError(errors)
        return queryset.all()


_FORM_CLASSES: dict[type, type[forms.Form]] = {}


class HeroFilterBackend(DjangoFilterBackend):
    """django-filter, built only when the query names one of its filters.

    A FilterSet, its form class and its form cost more than the rest of a list request.
    With none of its parameters present it filters nothing and rejects nothing, so it is
    skipped. Each HeroFilterSet filter reads the query parameter of its own name.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        if not any(name in request.query_params for name in filterset_class.base_filters):
            return queryset
        return filterset_class.filter_data(request.query_params, queryset)

    def to_html(self, request, queryset, view):
        # The browsable API's form only: a true/false filter as a select of "any" and its
        # two values. A Select costs more to build than the text input, and the API builds
        # this form for every filtered request.
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return None
        for field in filterset.form.fields.values():
            if isinstance(field, StrictBooleanField):
                field.widget = forms.Select(choices=YES_NO_CHOICES)
        return loader.get_template(self.template).render({"filter": filterset}, request)


class HeroSearchFilter(SearchFilter):
    """DRF search over `name`, refusing terms longer than a name can be."""

    def get_search_terms(self, request):
        value = request.query_params.get(self.search_param, "")
        field = CharField(trim_whitespace=False, allow_blank=True, max_length=NAME_MAX_LENGTH)
        try:
            cleaned = field.run_validation(value)
        except ValidationError as exc:
            # Name the parameter, as every other query error does.
            raise ValidationError({self.search_param: exc.detail}) from None
        return search_smart_split(cleaned)


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
