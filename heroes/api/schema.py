"""OpenAPI details DRF cannot infer: error bodies, and reads that need no login."""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from heroes.api.filters import ORDERING_FIELDS
from heroes.api.serializers import HeroSerializer, NullableIntegerField, StrictCharField
from heroes.models import AGE_MAX, NAME_MAX_LENGTH

ORDERING_TERMS = [prefix + field for field in ORDERING_FIELDS for prefix in ("", "-")]

# Text never holds NUL (PostgreSQL cannot store it). Hero text is trimmed, so it also needs
# one character that str.strip() keeps; the class lists Python's whitespace explicitly,
# because JavaScript's \s is a slightly different set.
NO_NUL_PATTERN = r"^[^\u0000]*$"
_SPACE = r"\t-\r\u001c- \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
TEXT_PATTERN = rf"^[^\u0000]*[^\u0000{_SPACE}][^\u0000]*$"


class ErrorSerializer(serializers.Serializer):
    """The body of 401, 403, 404, 413, 415 and 429 answers."""

    detail = serializers.CharField()


def _messages() -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(), required=False)


class HeroValidationErrorSerializer(serializers.Serializer):
    """A 400 for a bad hero body: messages per field, or `detail` for unparsable JSON."""

    name = _messages()
    age = _messages()
    secret_name = _messages()
    non_field_errors = _messages()
    detail = serializers.CharField(required=False)


class HeroQueryErrorSerializer(serializers.Serializer):
    """A 400 for a bad query parameter: messages per parameter name."""

    limit = _messages()
    offset = _messages()
    ordering = _messages()
    search = _messages()
    name = _messages()
    name__icontains = _messages()
    age = _messages()
    age__gte = _messages()
    age__lte = _messages()
    age__isnull = _messages()


@extend_schema_field(
    {
        "anyOf": [
            {"type": "integer", "minimum": 0, "maximum": AGE_MAX},
            {"type": "string", "enum": [""], "description": "Empty: no age."},
        ]
    }
)
class FormAgeField(NullableIntegerField):
    """The age as a form sends it: digits, or an empty value for none."""


class HeroFormSerializer(HeroSerializer):
    """A hero as a form or multipart body sends it: text only, so an empty age means none."""

    # Documentation only: HeroSerializer reads every body, and takes "" as no age.
    age = FormAgeField(min_value=0, max_value=AGE_MAX, default=None)


# Forms have no null and no numbers: their bodies get their own description.
HERO_BODIES = {
    "application/json": HeroSerializer,
    "application/x-www-form-urlencoded": HeroFormSerializer,
    "multipart/form-data": HeroFormSerializer,
}


class TokenSerializer(serializers.Serializer):
    """The API token of the user whose credentials were posted."""

    token = serializers.CharField()


class TokenErrorSerializer(serializers.Serializer):
    """A 400 from the token endpoint: missing fields or wrong credentials."""

    username = _messages()
    password = _messages()
    non_field_errors = _messages()


ERRORS = {
    "400": "Invalid input; the body names each offending field or parameter.",
    "401": "Authentication is required; see the WWW-Authenticate header.",
    "403": "The user lacks the Django model permission for this action.",
    "404": 'No hero has this id: {"detail": "Hero not found"}.',
    "413": "The body is larger than the server accepts (2.5 MB by default).",
    "415": "Unsupported Content-Type; send application/json.",
    "429": "Too many login attempts from this address; retry after Retry-After seconds.",
}

RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    {"type": "integer", "minimum": 0},
    OpenApiParameter.HEADER,
    description="Seconds until this client may try again.",
    response=[429],
    required=True,
)


class HeroAutoSchema(AutoSchema):
    """Adds documented error answers, and marks reads as public."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request" and isinstance(field, StrictCharField):
            schema["pattern"] = TEXT_PATTERN
        return schema

    def _get_parameters(self):
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter["in"] == "query" and parameter["name"] in FILTER_NAMES:
                # The browsable API's filter form sends every field, empty or not.
                parameter["allowEmptyValue"] = True
        return parameters

    def get_auth(self):
        if self.method in SAFE_METHODS:
            return [{}]
        return [auth for auth in super().get_auth() if auth]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        action = getattr(self.view, "action", None)
        codes = {
            "list": ["400"],
            "retrieve": ["404"],
            "create": ["400", "401", "403", "413", "415"],
            "update": ["400", "401", "403", "404", "413", "415"],
            "partial_update": ["400", "401", "403", "404", "413", "415"],
            "destroy": ["401", "403", "404"],
        }.get(action, [])
        for code in codes:
            if code != "400":
                serializer = ErrorSerializer
            elif action == "list":
                serializer = HeroQueryErrorSerializer
            else:
                serializer = HeroValidationErrorSerializer
            response = self._get_response_for_code(serializer, code, direction=direction)
            response["description"] = ERRORS[code]
            responses[code] = response
        return responses


def _query(name: str, schema: dict, description: str, **kwargs) -> OpenApiParameter:
    return OpenApiParameter(name, schema, OpenApiParameter.QUERY, description=description, **kwargs)


def _filter(name: str, schema: dict, description: str) -> OpenApiParameter:
    return _query(name, schema, f"{description} Empty: no filter.")


_AGE = {"type": "integer", "minimum": 0, "maximum": AGE_MAX}
_NAME = {"type": "string", "maxLength": NAME_MAX_LENGTH, "pattern": NO_NUL_PATTERN}

# Filters that an empty value turns off (`?age=` lists every hero), as in a blank form field.
FILTER_PARAMETERS = [
    _filter("name", _NAME, "Heroes whose name is exactly this (case-sensitive)."),
    _filter("name__icontains", _NAME, "Heroes whose name contains this, ignoring case."),
    _filter("age", _AGE, "Heroes of exactly this age."),
    _filter("age__gte", _AGE, "Heroes at least this old."),
    _filter("age__lte", _AGE, "Heroes at most this old."),
    _filter("age__isnull", {"type": "boolean"}, "true: only heroes without an age; false: with."),
    _filter("search", _NAME, "Heroes whose name contains this, ignoring case."),
]
FILTER_NAMES = frozenset(parameter.name for parameter in FILTER_PARAMETERS)

LIST_PARAMETERS = [
    *FILTER_PARAMETERS,
    _query(
        "ordering",
        {
            "type": "array",
            "items": {"type": "string", "enum": ORDERING_TERMS},
            "minItems": 1,
            "uniqueItems": True,
        },
        "Comma-separated sort keys; prefix with '-' to reverse. "
        "Heroes without an age sort last either way. Default: id.",
        style="form",
        explode=False,
    ),
]


class CookieSessionScheme(SessionScheme):
    """Documents CookieSessionAuthentication as the session cookie it reads."""

    target_class = "heroes.speed.authentication.CookieSessionAuthentication"
