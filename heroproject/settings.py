"""Settings for the hero service, read from the environment (12-factor) with django-environ.

heroproject.environment reads the environment. The groups of settings with a module of their
own are imported from it: the API's (heroproject.rest_api), the pages' policies
(heroproject.policies) and logging (heroproject.logging_settings). No app code is imported:
settings are read before any app loads.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from heroproject import databases, speed_switches
from heroproject.environment import env
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

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
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
# Keys being rotated out: what they signed (sessions, cursors) still holds until removed.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default="localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS")

# HTTPS is on by default in production. `make run` and the test servers speak plain HTTP
# on 127.0.0.1 and set DJANGO_HTTPS=0; each setting below can also be set on its own.
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=HTTPS)
# Load balancers probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^(livez|readyz)/?$"]
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=HTTPS)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=HTTPS)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=HTTPS)
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
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
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env.int("DJANGO_CONN_MAX_AGE", default=60),
        conn_health_checks=True,
    )
}
# SQLite for several workers, PostgreSQL through psycopg's pool (heroproject.databases).
databases.tune(DATABASES["default"], env)

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
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)

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
    env.bool("HEROES_SPEED", default=True), env.list("HEROES_SPEED_OFF")
)
MIDDLEWARE = speed_switches.plain(MIDDLEWARE, HEROES_SPEED_OFF)
AUTHENTICATION_BACKENDS = speed_switches.plain(AUTHENTICATION_BACKENDS, HEROES_SPEED_OFF)
REST_FRAMEWORK = speed_switches.plain_rest_framework(REST_FRAMEWORK, HEROES_SPEED_OFF)
globals().update(speed_switches.plain_classes(globals(), HEROES_SPEED_OFF))

# With 1, PUT, PATCH and DELETE of a hero answer 428 unless they send If-Match (its ETag),
# so no client overwrites a change it has not seen.
HEROES_REQUIRE_IF_MATCH = env.bool("DJANGO_REQUIRE_IF_MATCH")

# Brute-force protection: each client (an IPv4 address, an IPv6 /64) gets this many login
# attempts (token endpoint, admin and browsable-API login pages together) per window.
LOGIN_ATTEMPTS = env.int("DJANGO_LOGIN_ATTEMPTS", default=10)
LOGIN_WINDOW_SECONDS = env.int("DJANGO_LOGIN_WINDOW_SECONDS", default=60)

# The deepest `offset` the hero list reads in orders other than id: past it, 400 pointing
# to the `next` links, whose pages cost the same at any depth (heroes.api.pagination).
HEROES_MAX_OFFSET = env.int("DJANGO_MAX_OFFSET", default=1000)

# Idempotency-Key on POST /heroes/: how long, in seconds, a key replays its first answer.
# Past that the key counts as new; `manage.py purge_idempotency_keys` deletes expired keys.
IDEMPOTENCY_KEY_TTL = env.int("DJANGO_IDEMPOTENCY_KEY_TTL", default=86400)

# Change history (heroes.history): `manage.py purge_hero_history` deletes the entries older
# than this many days. Empty: keep every entry.
HISTORY_DAYS_MAX = 36_500  # a hundred years: older cut-offs are before any date Python has
HISTORY_DAYS = env.str("DJANGO_HISTORY_DAYS", default="") or None
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
METRICS_ALLOWED = env.addresses("DJANGO_METRICS_ALLOWED", default="127.0.0.1,::1")
METRICS_TOKEN = env.str("DJANGO_METRICS_TOKEN", default="")
