"""The documented headers and query parameters of the hero operations."""

from drf_spectacular.utils import OpenApiParameter

from heroes.api.filters import ORDERING_TERMS
from heroes.api.idempotency import BARE_KEY, QUOTED_KEY
from heroes.api.schema.bodies import NO_NUL_PATTERN
from heroes.models import AGE_MAX, NAME_MAX_LENGTH

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
    'Links to other pages (RFC 8288): `<url>; rel="next"`, `rel="prev"`, `rel="first"`. '
    "Left out when it would be longer than 2,048 bytes (a long query): the body's `next` "
    "and `previous` are always there.",
    response=[200],
)
LOCATION = _header(
    "Location",
    {"type": "string", "format": "uri"},
    "The new hero's URL.",
    response=[201],
    required=True,
)


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
        {"type": "string", "enum": ORDERING_TERMS, "x-enum-varnames": ORDERING_NAMES},
        "The field to sort by, one of them; prefix with '-' to reverse. Heroes of the same "
        "name or age come in id order; heroes without an age sort last either way. "
        "Default: id.",
    ),
]
