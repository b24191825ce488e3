"""OpenAPI details DRF cannot infer: error bodies, and reads that need no login."""

import copy

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from heroes.api.filters import ORDERING_FIELDS
from heroes.api.idempotency import BARE_KEY, QUOTED_KEY
from heroes.api.serializers import HeroSerializer, HeroVersionSerializer, StrictCharField
from heroes.models import AGE_MAX, NAME_MAX_LENGTH

ORDERING_TERMS = [prefix + field for field in ORDERING_FIELDS for prefix in ("", "-")]

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
    """The API token of the user whose credentials were posted."""

    token = serializers.CharField()


class TokenErrorSerializer(serializers.Serializer):
    """A 400 from the token endpoint: messages per field, or `detail` for unparsable JSON."""

    username = _messages()
    password = _messages()
    non_field_errors = _messages()
    detail = serializers.CharField(required=False)


ERRORS = {
    "400": "Invalid input; the body names each offending field or parameter.",
    "401": "Authentication is required; see the WWW-Authenticate header.",
    "403": "The user lacks the Django model permission for this action.",
    "404": 'No hero has this id: {"detail": "Hero not found"}.',
    "409": "A request with this Idempotency-Key is still being processed.",
    "412": "The hero changed since the ETag in If-Match; read it again.",
    "413": "The body is larger than the server accepts (2.5 MB by default).",
    "415": "Unsupported Content-Type; send application/json.",
    "422": "This Idempotency-Key was used with a different body.",
    "428": "This server requires If-Match on writes (only with DJANGO_REQUIRE_IF_MATCH=1).",
    "429": "Too many login attempts from this address; retry after Retry-After seconds.",
}
NOT_MODIFIED = "Not Modified: the ETag in If-None-Match still matches. No body."

# The error answers of each action, besides its success and 304.
ERROR_CODES = {
    "list": ["400"],
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

RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    {"type": "integer", "minimum": 0},
    OpenApiParameter.HEADER,
    description="Seconds until this client may try again.",
    response=[429],
    required=True,
)


def _header(name: str, schema: dict, description: str, **kwargs) -> OpenApiParameter:
    location = OpenApiParameter.HEADER
    return OpenApiParameter(name, schema, location, description=description, **kwargs)


# Any text: "*" or the entity tags the server sent. A value that holds no entity tag
# matches nothing (If-Match then answers 412), as the descriptions say.
_ENTITY_TAGS = {"type": "string"}
IF_NONE_MATCH = _header(
    "If-None-Match",
    _ENTITY_TAGS,
    "An ETag from an earlier answer: while it still matches, the answer is 304 without a body.",
)
IF_MATCH = _header(
    "If-Match",
    _ENTITY_TAGS,
    "The hero's ETag: the write happens only if the hero has not changed since (else 412).",
)
IDEMPOTENCY_KEY = _header(
    "Idempotency-Key",
    # Exactly what heroes.api.idempotency.parse_key accepts: 1 to 255 printable ASCII
    # characters, bare (no leading '"', no space at either end) or as a quoted string.
    {"type": "string", "pattern": rf"^(?:{BARE_KEY}|{QUOTED_KEY})$"},
    "A key of the client's choosing (a UUID, say), 1 to 255 printable ASCII characters, bare "
    'or as a quoted string ("..."): a retry with the same key and body answers the first '
    "answer again and creates nothing.",
)
HERO_ETAG = _header(
    "ETag",
    {"type": "string", "pattern": '^"[^"]*"$'},
    'The hero\'s strong entity tag, e.g. "3", for If-None-Match and If-Match.',
    response=[200, 201, 304],
    required=True,
)
LIST_ETAG = _header(
    "ETag",
    {"type": "string", "pattern": '^W/"[^"]*"$'},
    'The page\'s weak entity tag, W/"...", for If-None-Match.',
    response=[200, 304],
    required=True,
)
LINK = _header(
    "Link",
    {"type": "string"},
    'Links to other pages (RFC 8288): `<url>; rel="next"`, `rel="prev"`, `rel="first"`.',
    response=[200],
    required=True,
)
LOCATION = _header(
    "Location",
    {"type": "string", "format": "uri"},
    "The new hero's URL.",
    response=[201],
    required=True,
)


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
    _filter(
        "search",
        _NAME,
        "Searches the hero name: heroes whose name contains every word of this "
        "(words split at spaces), ignoring case. Searches nothing else.",
    ),
]
FILTER_NAMES = frozenset(parameter.name for parameter in FILTER_PARAMETERS)

# Names for enum members in generated clients: "-age" becomes age_desc.
ORDERING_NAMES = [term.lstrip("-") + ("_desc" if term[0] == "-" else "") for term in ORDERING_TERMS]

LIST_PARAMETERS = [
    *FILTER_PARAMETERS,
    _query(
        "ordering",
        {
            "type": "array",
            "items": {"type": "string", "enum": ORDERING_TERMS, "x-enum-varnames": ORDERING_NAMES},
            "minItems": 1,
            "uniqueItems": True,
        },
        "Sort keys, comma-separated (`ordering=-age,name`) or repeated "
        "(`ordering=-age&ordering=name`); prefix with '-' to reverse. "
        "Heroes without an age sort last either way. Default: id.",
        style="form",
        explode=False,
    ),
]

_WRITE = "Needs a token (or a session) whose user has the Django permission `{}`."
_IF_MATCH = " With `If-Match`, it happens only if the hero is unchanged since that ETag (else 412)."


def _change(summary: str, what: str):
    """PUT and PATCH: a hero body, a change permission and If-Match."""
    return extend_schema(
        summary=summary,
        description=what + _WRITE.format("heroes.change_hero") + _IF_MATCH + " " + FORMS_ACCEPTED,
        request=HERO_BODY,
        parameters=[IF_MATCH, HERO_ETAG],
    )


HERO_OPERATIONS = {
    "list": extend_schema(
        summary="List heroes",
        description=(
            "A page of heroes (at most 100), filtered by name and age, searched by name and "
            "sorted by `ordering`; by id unless told otherwise. Anyone may read. The answer's "
            "weak `ETag` serves for `If-None-Match` (304 while the page is unchanged); `Link` "
            "names the next, previous and first pages."
        ),
        parameters=[*LIST_PARAMETERS, IF_NONE_MATCH, LIST_ETAG, LINK],
    ),
    "retrieve": extend_schema(
        summary="Read a hero",
        description=(
            "One hero by id. Anyone may read. The answer's strong `ETag` serves for "
            "`If-None-Match` (304 while the hero is unchanged) and for `If-Match` on writes."
        ),
        parameters=[IF_NONE_MATCH, HERO_ETAG],
    ),
    "create": extend_schema(
        summary="Create a hero",
        description=(
            "Creates a hero and answers it with its `Location` and `ETag`. "
            + _WRITE.format("heroes.add_hero")
            + " With an `Idempotency-Key`, a retry with the same key and body answers the "
            "first answer again and creates nothing. " + FORMS_ACCEPTED
        ),
        request=HERO_BODY,
        parameters=[IDEMPOTENCY_KEY, HERO_ETAG, LOCATION],
    ),
    "update": _change(
        "Replace a hero",
        "Replaces every field of a hero: `name` and `secret_name` are required, and an "
        "`age` left out is cleared. ",
    ),
    "partial_update": _change(
        "Change some fields of a hero",
        "Changes only the fields sent; `age: null` clears the age. ",
    ),
    "destroy": extend_schema(
        summary="Delete a hero",
        description="Deletes a hero. " + _WRITE.format("heroes.delete_hero") + _IF_MATCH,
        parameters=[IF_MATCH],
    ),
    "history": extend_schema(
        summary="List a hero's versions",
        description=(
            "Who created, changed or deleted the hero, and when, with its name and age as they "
            "became: newest first, a page (at most 100) at a time. A deleted hero's history is "
            "still here. Changes to the secret name alone are not listed. Needs a token (or a "
            "session) whose user has the Django permission `heroes.view_hero`."
        ),
        responses=HeroVersionSerializer(many=True),
        parameters=[LINK],
    ),
}


class CookieSessionScheme(SessionScheme):
    """Documents DRF's session authentication, and any subclass, as the cookie it reads."""

    target_class = "rest_framework.authentication.SessionAuthentication"
    # Settings may name a subclass that skips requests without the cookie.
    match_subclasses = True


PAGE_EXAMPLES = {
    "count": 250,
    "next": "http://127.0.0.1:8000/heroes/?limit=100&offset=200",
    "previous": "http://127.0.0.1:8000/heroes/?limit=100",
}


# Any operation may find the database unable to serve (heroes.api.errors).
SERVICE_UNAVAILABLE = {
    "description": (
        "The database cannot serve now (unreachable, out of connections, read-only, disk "
        "full); nothing was changed. Retry after Retry-After seconds."
    ),
    "headers": {
        "Retry-After": {
            "schema": {"type": "integer", "minimum": 0},
            "description": "Seconds to wait before retrying.",
            "required": True,
        }
    },
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def postprocess_schema(result, generator, request, public):
    """Fixes what the per-operation schema cannot reach (a drf-spectacular hook)."""
    for path_item in result["paths"].values():
        for operation in path_item.values():
            operation["responses"]["503"] = copy.deepcopy(SERVICE_UNAVAILABLE)
            if operation.get("security") == [{}]:
                # Anyone may call it. `[{}]` reads as "credentials required" to typed
                # clients (openapi-python-client's AuthenticatedClient); `[]` requires none.
                operation["security"] = []
    for name in ("PaginatedHeroList", "PaginatedHeroVersionList"):
        page = result["components"]["schemas"][name]
        # next and previous are in every page, null at either end.
        page["required"] = list(page["properties"])
        for field, example in PAGE_EXAMPLES.items():
            page["properties"][field]["example"] = example  # not DRF's api.example.org/accounts/
    return result
