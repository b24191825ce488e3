"""The API's settings: Django REST framework, the proxies it trusts, CORS and the OpenAPI
document (drf-spectacular). Imported by heroproject.settings."""

from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured

from heroproject.environment import env

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header turns anonymous writes into 401, not 403.
        "heroes.speed.authentication.CompiledTokenAuthentication",
        "heroes.speed.authentication.CookieSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        "heroes.speed.renderers.ORJSONRenderer",
        "heroes.api.browsable.HeroesBrowsableAPIRenderer",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "heroes.speed.negotiation.CachedContentNegotiation",
    # DRF's parsers, bounded by DATA_UPLOAD_MAX_MEMORY_SIZE and hardened against hostile bodies.
    "DEFAULT_PARSER_CLASSES": [
        "heroes.guards.parsers.JSONParser",
        "heroes.guards.parsers.FormParser",
        "heroes.guards.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Proxies in front of the app that append to X-Forwarded-For. With 0 the client
    # address is REMOTE_ADDR, and a forged X-Forwarded-For changes nothing.
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=0),
}


def _token_ttl(name: str, default: str) -> timedelta | None:
    """A token's lifetime from `name`, in whole seconds; 0 means tokens never expire."""
    value = env.str(name, default="") or default
    if not (value.isascii() and value.isdigit()):
        raise ImproperlyConfigured(
            f"{name} is {value!r}; set it to a token's lifetime in whole seconds "
            "(2592000 is 30 days), or 0 for tokens that never expire."
        )
    return timedelta(seconds=int(value)) if int(value) else None


# API tokens (django-rest-knox): stored as a SHA-512 digest, one per client. A token lives
# DJANGO_TOKEN_TTL seconds from the login that made it, 30 days unless set: long enough
# for a script or service not to log in every day, short enough that a leaked token dies.
# Using a token never extends it (no AUTO_REFRESH): the expiry /auth/token/ answered holds,
# and the client logs in again when its token answers 401.
REST_KNOX = {
    "TOKEN_TTL": _token_ttl("DJANGO_TOKEN_TTL", "2592000"),
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": None,
    "AUTH_HEADER_PREFIX": "Token",
}

# The addresses (or networks) those proxies connect from, and `unix` for one on this
# machine that connects over a Unix socket (scripts/serve.sh's nginx): X-Forwarded-For is
# read only on their connections (heroes.guards.client_address). Proxies without them
# would leave every client counted as the proxy, so that refuses to start.
TRUSTED_PROXIES = env.addresses("DJANGO_TRUSTED_PROXIES")
if REST_FRAMEWORK["NUM_PROXIES"] > 0 and not TRUSTED_PROXIES:
    raise ImproperlyConfigured(
        "DJANGO_NUM_PROXIES is set but DJANGO_TRUSTED_PROXIES is empty. Set it to the "
        "addresses your proxies connect from, comma-separated (for example: 127.0.0.1), "
        "or unix for a proxy on a Unix socket."
    )

# CORS (django-cors-headers): browser pages on the origins listed in
# DJANGO_CORS_ALLOWED_ORIGINS (comma-separated, e.g. "https://app.example.com") may call the
# JSON API; no origin may by default. Tokens travel in the Authorization header, so no
# cookies cross origins. Only the API paths answer CORS, not the admin or the login pages;
# /heroes without its slash too, as this runs before heroes.api.trailing_slash.
CORS_ALLOWED_ORIGINS = env.list("DJANGO_CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = (
    r"^/(heroes(/.*)?|auth/(token|logout|logoutall)/?|openapi\.json|livez/?|readyz/?)$"
)
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]
CORS_ALLOW_HEADERS = [
    "accept",
    "authorization",
    "content-type",
    "if-match",
    "if-none-match",
    "idempotency-key",
]
CORS_EXPOSE_HEADERS = ["ETag", "Location", "Link", "Idempotent-Replayed", "Retry-After"]
CORS_PREFLIGHT_MAX_AGE = 86_400  # seconds; browsers may cap it lower (Chromium: 2 hours)

SPECTACULAR_SETTINGS = {
    "TITLE": "Heroes API",
    "DESCRIPTION": (
        "A Django REST Framework port of FastAPI's SQL databases tutorial. "
        "Anyone may read; writes need a token (`Authorization: Token <key>`) "
        "or a session, and Django model permissions."
    ),
    "VERSION": "1.0.0",
    "LICENSE": {"name": "MIT", "url": "https://opensource.org/license/mit"},
    "SERVE_INCLUDE_SCHEMA": False,
    # Separate HeroRequest / Hero components: secret_name appears only in requests.
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Relative: the API is at the root of whichever host serves this document. Generated
    # clients are given their base URL when they are created.
    "SERVERS": [{"url": "/", "description": "The server that serves this document."}],
    "TAGS": [
        {
            "name": "heroes",
            "description": "Create, list, read, update and delete heroes. Anyone may read; "
            "writes need a token and Django model permissions.",
        },
        {"name": "auth", "description": "API tokens: a username and password for a token."},
    ],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "heroes.api.schema.hooks.postprocess_schema",
    ],
}
