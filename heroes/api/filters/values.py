"""Query values held to OpenAPI's spelling: true or false, and plain ASCII digits."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError

from heroes.api.serializers import INTEGER_TEXT
from heroes.models import AGE_MAX

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
