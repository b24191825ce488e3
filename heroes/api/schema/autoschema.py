"""The schema class of the hero views: error and 304 answers, and public reads."""

from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS

from heroes.api.schema.bodies import (
    TEXT_PATTERN,
    ErrorSerializer,
    HeroQueryErrorSerializer,
    HeroValidationErrorSerializer,
    PageQueryErrorSerializer,
)
from heroes.api.schema.parameters import FILTER_NAMES
from heroes.api.serializers import HeroSerializer, HeroVersionSerializer, StrictCharField

ERRORS = {
    "400": "Invalid input; the body names each offending field or parameter.",
    "401": "Authentication is required; see the WWW-Authenticate header.",
    "403": "The user lacks the Django model permission for this action.",
    "404": 'No hero has this id: {"detail": "Hero not found"}.',
    "409": "A request with this Idempotency-Key is still being processed.",
    "412": "The hero changed since the ETag in If-Match; read it again.",
    "413": "The body is larger than the server accepts (2.5 MB by default).",
    "414": "The URL is longer than the server reads (a request line of 8,190 bytes).",
    "415": "Unsupported Content-Type; send application/json.",
    "422": "This Idempotency-Key was used with a different body.",
    "428": "This server requires If-Match on writes (only with DJANGO_REQUIRE_IF_MATCH=1).",
    "429": "Too many login attempts from this address; retry after Retry-After seconds.",
}
NOT_MODIFIED = "Not Modified: the ETag in If-None-Match still matches. No body."

# The error answers of each action, besides its success and 304.
ERROR_CODES = {
    # A cursor or a search is text of any length: a URL of them all can outgrow the line.
    "list": ["400", "414"],
    "retrieve": ["404"],
    "create": ["400", "401", "403", "409", "413", "415", "422"],
    "update": ["400", "401", "403", "404", "412", "413", "415", "428"],
    "partial_update": ["400", "401", "403", "404", "412", "413", "415", "428"],
    "destroy": ["401", "403", "404", "412", "428"],
    "history": ["400", "401", "403", "404"],
}
SUCCESS = {
    "list": "A page of heroes.",
    "retrieve": "The hero.",
    "create": "The new hero.",
    "update": "The hero as stored now.",
    "partial_update": "The hero as stored now.",
    "history": "A page of the hero's versions, newest first.",
}
CONDITIONAL_READS = frozenset({"list", "retrieve"})
PUBLIC_READS = frozenset({"list", "retrieve"})
# Query errors by action; the other actions' 400s are about the body.
QUERY_ERRORS = {"list": HeroQueryErrorSerializer, "history": PageQueryErrorSerializer}
# Answers that list every field, `null` included, so typed clients need no missing values.
COMPLETE_ANSWERS = (HeroSerializer, HeroVersionSerializer)


class HeroAutoSchema(AutoSchema):
    """Adds documented error and 304 answers, and marks reads as public."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request" and isinstance(field, StrictCharField):
            schema["pattern"] = TEXT_PATTERN
        return schema

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response" and isinstance(serializer, COMPLETE_ANSWERS):
            # Every answer has every field, `age` as null when there is none: typed
            # clients must not make callers handle a missing value.
            schema["required"] = list(schema["properties"])
        return schema

    def _get_parameters(self):
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter["in"] == "query" and parameter["name"] in FILTER_NAMES:
                # The browsable API's filter form sends every field, empty or not.
                parameter["allowEmptyValue"] = True
        return parameters

    def get_auth(self):
        if self.method in SAFE_METHODS and getattr(self.view, "action", None) in PUBLIC_READS:
            return [{}]  # made `security: []` by postprocess_schema
        return [auth for auth in super().get_auth() if auth]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        action = getattr(self.view, "action", None)
        for response in responses.values():
            if action in SUCCESS and not response.get("description"):
                response["description"] = SUCCESS[action]
        if action in CONDITIONAL_READS:
            responses["304"] = self._get_response_for_code(None, "304", direction=direction)
            responses["304"]["description"] = NOT_MODIFIED
        for code in ERROR_CODES.get(action, []):
            if code != "400":
                serializer = ErrorSerializer
            else:
                serializer = QUERY_ERRORS.get(action, HeroValidationErrorSerializer)
            response = self._get_response_for_code(serializer, code, direction=direction)
            response["description"] = ERRORS[code]
            responses[code] = response
        return responses
