"""The bodies the OpenAPI document describes beyond the hero's: errors, tokens, patterns."""

from rest_framework import serializers

from heroes.api.serializers import HeroSerializer

# Text never holds NUL (PostgreSQL cannot store it). Hero text is trimmed, so it also needs
# one character that str.strip() keeps; the class lists Python's whitespace explicitly,
# because JavaScript's \s is a slightly different set.
NO_NUL_PATTERN = r"^[^\u0000]*$"
_SPACE = r"\t-\r\u001c- \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
TEXT_PATTERN = rf"^[^\u0000]*[^\u0000{_SPACE}][^\u0000]*$"


class ErrorSerializer(serializers.Serializer):
    """The body of 401, 403, 404, 409, 412, 413, 415, 422, 428, 429 and 503 answers."""

    detail = serializers.CharField()


def _messages() -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(), required=False)


class HeroValidationErrorSerializer(serializers.Serializer):
    """A 400 for a bad hero body (or Idempotency-Key): messages per field, or `detail`."""

    name = _messages()
    age = _messages()
    secret_name = _messages()
    non_field_errors = _messages()
    detail = serializers.CharField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["Idempotency-Key"] = _messages()  # not a Python name: declared here
        return fields


class PageQueryErrorSerializer(serializers.Serializer):
    """A 400 for a bad page parameter: messages per parameter name."""

    limit = _messages()
    offset = _messages()


class HeroQueryErrorSerializer(serializers.Serializer):
    """A 400 for a bad query parameter: messages per parameter name."""

    limit = _messages()
    offset = _messages()
    cursor = _messages()
    ordering = _messages()
    search = _messages()
    name = _messages()
    name__icontains = _messages()
    age = _messages()
    age__gte = _messages()
    age__lte = _messages()
    age__isnull = _messages()


# Only JSON bodies are documented: generated clients pick one content type per operation,
# and form bodies have no null and no numbers. The server still reads forms (the browsable
# API's HTML forms), as each write operation's description says.
HERO_BODY = {"application/json": HeroSerializer}

FORMS_ACCEPTED = (
    "The server also accepts the same fields as `application/x-www-form-urlencoded` or "
    "`multipart/form-data` (the browsable API's HTML forms send these); only JSON is "
    "documented, so generated clients send JSON."
)


class TokenSerializer(serializers.Serializer):
    """A new API token of the user whose credentials were posted, and when it expires."""

    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(
        allow_null=True,
        help_text="When the token stops working (ISO 8601, UTC); null if it never expires.",
    )


class TokenErrorSerializer(serializers.Serializer):
    """A 400 from the token endpoint: messages per field, or `detail` for unparsable JSON."""

    username = _messages()
    password = _messages()
    non_field_errors = _messages()
    detail = serializers.CharField(required=False)
