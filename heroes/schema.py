"""OpenAPI details DRF cannot infer: error bodies, and reads that need no login."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from heroes.filters import ORDERING_FIELDS
from heroes.models import AGE_MAX, NAME_MAX_LENGTH

ORDERING_TERMS = [prefix + field for field in ORDERING_FIELDS for prefix in ("", "-")]


class ErrorSerializer(serializers.Serializer):
    """The body of 401, 403, 404 and 415 answers."""

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
    "415": "Unsupported Content-Type; send application/json.",
}


class HeroAutoSchema(AutoSchema):
    """Adds documented error answers, and marks reads as public."""

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
            "create": ["400", "401", "403", "415"],
            "update": ["400", "401", "403", "404", "415"],
            "partial_update": ["400", "401", "403", "404", "415"],
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


_AGE = {"type": "integer", "minimum": 0, "maximum": AGE_MAX}
_NAME = {"type": "string", "maxLength": NAME_MAX_LENGTH}

LIST_PARAMETERS = [
    _query("name", _NAME, "Heroes whose name is exactly this (case-sensitive)."),
    _query("name__icontains", _NAME, "Heroes whose name contains this, ignoring case."),
    _query("age", _AGE, "Heroes of exactly this age."),
    _query("age__gte", _AGE, "Heroes at least this old."),
    _query("age__lte", _AGE, "Heroes at most this old."),
    _query("age__isnull", {"type": "boolean"}, "true: only heroes without an age; false: with."),
    _query("search", _NAME, "Heroes whose name contains this, ignoring case."),
    _query(
        "ordering",
        {
            "type": "array",
            "items": {"type": "string", "enum": ORDERING_TERMS},
            "uniqueItems": True,
        },
        "Comma-separated sort keys; prefix with '-' to reverse. "
        "Heroes without an age sort last either way. Default: id.",
        style="form",
        explode=False,
    ),
]
