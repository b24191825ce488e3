import re

from django.db import models
from rest_framework import serializers
from rest_framework.utils import html

from heroes.history.models import CHANGES
from heroes.models import AGE_MAX, Hero

# An integer as OpenAPI writes it in text; int() also takes " 5", "+5", "1_0", Arabic-Indic digits.
INTEGER_TEXT = re.compile(r"-?[0-9]+")


def _from_form(field: serializers.Field) -> bool:
    # Form and multipart bodies carry only text; JSON bodies carry typed values.
    return html.is_html_input(getattr(field.parent, "initial_data", None))


class StrictCharField(serializers.CharField):
    """Text that must arrive as a string, at most max_length long before trimming."""

    default_error_messages = {"invalid": "Not a valid string."}

    def to_internal_value(self, data):
        # DRF would turn 42 into "42"; the schema says string, so a number is an error.
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class NullableIntegerField(serializers.IntegerField):
    """An integer or null: in JSON an integer or null, in form bodies digits or nothing."""

    def to_internal_value(self, data):
        if _from_form(self):
            # Plain digits: DRF would also take " 5", "5.0", "1_0" and non-ASCII digits.
            if not INTEGER_TEXT.fullmatch(data):
                self.fail("invalid")
        elif isinstance(data, bool) or not isinstance(data, int):
            # DRF would accept "5", 5.0 and true in JSON; the schema says integer.
            self.fail("invalid")
        return super().to_internal_value(data)


class HeroSerializer(serializers.ModelSerializer):
    """A hero as clients send it and see it: the secret name is write-only."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
    }
    # PUT replaces the hero: an age left out is cleared, as in a new hero.
    age = NullableIntegerField(min_value=0, max_value=AGE_MAX, allow_null=True, default=None)

    class Meta:
        model = Hero
        fields = ["id", "name", "age", "secret_name"]
        read_only_fields = ["id"]
        extra_kwargs = {
            # The HTML form must not echo a submitted secret back on a validation error.
            "secret_name": {
                "write_only": True,
                "style": {"template": "heroes/secret_input.html"},
            },
        }

    def update(self, instance: Hero, validated_data: dict) -> Hero:
        for name, value in validated_data.items():
            setattr(instance, name, value)
        # Only the fields sent: concurrent PATCHes of different fields both hold. With
        # If-Match, the view asks that the row still be at the version the client read.
        instance.save(update_fields=validated_data, if_version=self.context.get("if_version"))
        return instance


class HeroVersionSerializer(serializers.Serializer):
    """One entry of a hero's history: its public fields as they became, who changed them, when."""

    name = serializers.CharField(read_only=True)
    age = serializers.IntegerField(read_only=True, allow_null=True)
    change = serializers.ChoiceField(choices=list(CHANGES.values()), read_only=True)
    changed_at = serializers.DateTimeField(source="history_date", read_only=True)
    # The user behind the token or session; null for a command, or a user deleted since.
    changed_by = serializers.CharField(
        source="history_user.username", read_only=True, allow_null=True
    )
    # The manage.py command that made the change, or null.
    command = serializers.CharField(source="command_name", read_only=True, allow_null=True)
