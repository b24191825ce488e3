"""Settings for the hero service, read from the environment (12-factor).

The groups of settings with a module of their own are imported from it: the environment
helpers (heroproject.environment), the API's (heroproject.rest_api), the pages' policies
(heroproject.policies) and logging (heroproject.logging_settings). No app code is imported:
settings are read before any app loads.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from heroproject import databases, speed_switches
from heroproject.environment import env_addresses, env_bool, env_list
from heroproject.logging_settings import LOG_FORMAT, LOGGING
from heroproject.policies import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY
from heroproject.rest_api import (
    CORS_ALLOW_CREDENTIALS,
    CORS_ALLOW_HEADERS,
    CORS_ALLOW_METHODS,
    CORS_ALLOWED_ORIGINS,
    CORS_EXPOSE_HEADERS,
    CORS_PREFLIGHT_MAX_AGE,
    CORS_URLS_REGEX,
    REST_FRAMEWORK,
    REST_KNOX,
    SPECTACULAR_SETTINGS,
    TRUSTED_PROXIES,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set DJANGO_SECRET_KEY to a long random string "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or put one in .secret_key next to manage.py (make run does) for manage.py to "
            "read, or set DJANGO_DEBUG=1 for local development."
        )
    # Debug only: a throwaway key per process, so nothing secret lives in the repo.
    SECRET_KEY = "insecure-debug-only-" + os.urandom(16).hex()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# HTTPS is on by default in production. `make run` and the test servers speak plain HTTP
# on 127.0.0.1 and set DJANGO_HTTPS=0; each setting below can also be set on its own.
HTTPS = env_bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=HTTPS)
# Load balancers probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^(livez|readyz)/?$"]
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", default=HTTPS)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", default=HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=HTTPS)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
    # Only behind a proxy that terminates TLS and always sets X-Forwarded-Proto itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    # First, so its templates override DRF's browsable-API branding.
    "heroes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",  # hashed API tokens, one per client, with an expiry (heroes.api.tokens)
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "simple_history",
]

MIDDLEWARE = [
    # Outermost, so every answer below is counted, timed and carries its request id.
    "heroes.observability.request_ids.RequestIdMiddleware",
    "heroes.observability.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # CORS before anything that answers early: every answer below (errors and 413s
    # included) gets its headers; preflights get the security ones.
    "heroes.speed.cors.CorsMiddleware",
    "heroes.guards.body_size.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "heroes.api.trailing_slash.OptionalTrailingSlashMiddleware",
    "heroes.api.conditional.NotModifiedMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # API writes record their user too: DRF sets the user it authenticates on this
    # request (heroes.history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # The HTML pages' policies (heroproject.policies); JSON answers carry them too.
    "heroes.speed.policies.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "heroes.guards.login_limit.LoginLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "heroes.speed.messages.LazyMessageMiddleware",
]

ROOT_URLCONF = "heroproject.urls"
WSGI_APPLICATION = "heroproject.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": databases.parse_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, except that only `migrate` creates a missing file: a request on a
    # deleted database answers 503 instead of starting an empty one.
    DATABASES["default"]["ENGINE"] = "heroes.portability.sqlite3"
    # Several gunicorn workers share one file: WAL lets readers run beside the writer,
    # IMMEDIATE takes the write lock at BEGIN so two writers queue on the busy timeout
    # instead of failing with "database is locked" on lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg's pool: each worker reuses its connections, and a worker that cannot get one
    # (the server is out of connection slots) waits up to the timeout, then answers 503.
    # A sync gunicorn worker runs one request at a time and holds one connection; threads
    # (gthread workers, or tests) may open up to max_size.
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps connections instead
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DJANGO_DB_POOL_MIN_SIZE", "1")),
        "max_size": int(os.environ.get("DJANGO_DB_POOL_MAX_SIZE", "4")),
        "timeout": float(os.environ.get("DJANGO_DB_POOL_TIMEOUT", "5")),
    }
    # psycopg prepares a statement a connection has run this many times, so PostgreSQL
    # plans it once, not per request. Empty: never (PgBouncer without prepared statements).
    # After a migration that changes a column's type, restart the app servers.
    if threshold := os.environ.get("DJANGO_DB_PREPARE_THRESHOLD", "5"):
        if not (threshold.isascii() and threshold.isdigit()):
            raise ImproperlyConfigured(f"DJANGO_DB_PREPARE_THRESHOLD: not a number: {threshold!r}")
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = int(threshold)

# PostgreSQL replication: DATABASE_URL with several hosts, DATABASE_REPLICA_URL, and
# DJANGO_REPLICA_MAX_LAG (heroproject.databases, docs/operations/replicas.md).
DATABASES = databases.replicated(DATABASES, os.environ)
DATABASE_ROUTERS = databases.routers(DATABASES)
MIDDLEWARE = databases.middleware(MIDDLEWARE, DATABASES)
REPLICA_MAX_LAG = databases.max_lag(os.environ)

# ModelBackend with one compiled query for permissions.
AUTHENTICATION_BACKENDS = ["heroes.speed.backends.CompiledModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a check: Django calls it when a password changes, and it revokes the API tokens.
    {"NAME": "heroes.guards.password_change.RevokeTokensOnPasswordChange"},
]

TIME_ZONE = "UTC"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

APPEND_SLASH = False
# The browsable API's login, reached without ?next=, lands on the front page (heroes.api.root).
LOGIN_REDIRECT_URL = "api-root"

# The largest request body accepted (Django's default, 2.5 MB); larger ones answer 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440))

# Classes the API names in one place each (heroes.versions, heroes.api); speed's, or stock.
HEROES_WRITER = "heroes.speed.saving.OneStatementWriter"
HEROES_SERIALIZER_CLASS = "heroes.speed.serializers.HeroSerializer"
HEROES_LIST_PAGINATION_CLASS = "heroes.speed.reads.HeroListPagination"
HEROES_QUERYSET_CLASS = "heroes.speed.reads.ByURLIdQuerySet"
HEROES_VIEWSET_CLASS = "heroes.speed.shortcut.HeroViewSet"

# The speed layer (heroes.speed), to measure or rule out: HEROES_SPEED=0 switches it all
# off, HEROES_SPEED_OFF=cors,reads the modules named. Each module off takes the stock
# Django/DRF way to the same answers (heroproject.speed_switches).
HEROES_SPEED_OFF = speed_switches.switched_off(
    env_bool("HEROES_SPEED", default=True), env_list("HEROES_SPEED_OFF")
)
MIDDLEWARE = speed_switches.plain(MIDDLEWARE, HEROES_SPEED_OFF)
AUTHENTICATION_BACKENDS = speed_switches.plain(AUTHENTICATION_BACKENDS, HEROES_SPEED_OFF)
REST_FRAMEWORK = speed_switches.plain_rest_framework(REST_FRAMEWORK, HEROES_SPEED_OFF)
globals().update(speed_switches.plain_classes(globals(), HEROES_SPEED_OFF))

# With 1, PUT, PATCH and DELETE of a hero answer 428 unless they send If-Match (its ETag),
# so no client overwrites a change it has not seen.
HEROES_REQUIRE_IF_MATCH = env_bool("DJANGO_REQUIRE_IF_MATCH")

# Brute-force protection: each client (an IPv4 address, an IPv6 /64) gets this many login
# attempts (token endpoint, admin and browsable-API login pages together) per window.
LOGIN_ATTEMPTS = int(os.environ.get("DJANGO_LOGIN_ATTEMPTS", "10"))
LOGIN_WINDOW_SECONDS = int(os.environ.get("DJANGO_LOGIN_WINDOW_SECONDS", "60"))

# Idempotency-Key on POST /heroes/: how long, in seconds, a key replays its first answer.
# Past that the key counts as new; `manage.py purge_idempotency_keys` deletes expired keys.
IDEMPOTENCY_KEY_TTL = int(os.environ.get("DJANGO_IDEMPOTENCY_KEY_TTL", "86400"))

# Change history (heroes.history): `manage.py purge_hero_history` deletes the entries older
# than this many days. Empty: keep every entry.
HISTORY_DAYS_MAX = 36_500  # a hundred years: older cut-offs are before any date Python has
HISTORY_DAYS = os.environ.get("DJANGO_HISTORY_DAYS") or None
if HISTORY_DAYS is not None:
    if not (HISTORY_DAYS.isascii() and HISTORY_DAYS.isdigit()) or not (
        1 <= int(HISTORY_DAYS) <= HISTORY_DAYS_MAX
    ):
        raise ImproperlyConfigured(
            f"DJANGO_HISTORY_DAYS is {HISTORY_DAYS!r}; set it to a whole number of days "
            f"from 1 to {HISTORY_DAYS_MAX}, or leave it empty to keep every entry."
        )
    HISTORY_DAYS = int(HISTORY_DAYS)

# GET /metrics/ (heroes.observability): for these addresses and networks (the client as the
# login limit sees it, behind trusted proxies), or with "Authorization: Bearer <token>".
METRICS_ALLOWED = env_addresses("DJANGO_METRICS_ALLOWED", "127.0.0.1,::1")
METRICS_TOKEN = os.environ.get("DJANGO_METRICS_TOKEN", "")
