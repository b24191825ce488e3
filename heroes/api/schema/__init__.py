"""OpenAPI details DRF cannot infer: error bodies, and reads that need no login.

- `bodies`: error, token and validation bodies, and the text patterns.
- `parameters`: the documented headers and query parameters.
- `autoschema`: HeroAutoSchema, which adds the error and 304 answers and marks reads public.
- `operations`: each hero operation's summary, description, body and parameters.
- `hooks`: the session and token schemes, the postprocessing hook (SPECTACULAR_SETTINGS).
"""

from heroes.api.schema.autoschema import ERRORS, HeroAutoSchema
from heroes.api.schema.bodies import (
    FORMS_ACCEPTED,
    NO_NUL_PATTERN,
    TEXT_PATTERN,
    ErrorSerializer,
    TokenErrorSerializer,
    TokenSerializer,
)
from heroes.api.schema.hooks import CookieSessionScheme, TokenScheme, postprocess_schema
from heroes.api.schema.operations import HERO_OPERATIONS
from heroes.api.schema.parameters import RETRY_AFTER

__all__ = [
    "ERRORS",
    "FORMS_ACCEPTED",
    "HERO_OPERATIONS",
    "NO_NUL_PATTERN",
    "RETRY_AFTER",
    "TEXT_PATTERN",
    "CookieSessionScheme",
    "ErrorSerializer",
    "HeroAutoSchema",
    "TokenErrorSerializer",
    "TokenScheme",
    "TokenSerializer",
    "postprocess_schema",
]
