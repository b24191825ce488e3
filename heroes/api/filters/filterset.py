"""The hero list's django-filter FilterSet, and a backend that builds it only when asked."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.template import loader
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ErrorDetail, ValidationError

from heroes.api.filters.values import (
    YES_NO_CHOICES,
    AgeFilter,
    StrictBooleanField,
    StrictBooleanFilter,
)
from heroes.models import NAME_MAX_LENGTH, Hero


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
