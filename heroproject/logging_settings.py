"""Logging: text or one JSON object a line (DJANGO_LOG_FORMAT), each with its request's id."""

from django.core.exceptions import ImproperlyConfigured

from heroproject.environment import env

LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT is {LOG_FORMAT!r}; set it to text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "one_line_when_unavailable": {"()": "heroes.api.errors.OneLineWhenUnavailable"},
        "without_traceback": {"()": "heroes.api.errors.WithoutTraceback"},
        "request_id": {"()": "heroes.observability.request_ids.RequestIdFilter"},
    },
    "formatters": {
        "text": {"()": "heroes.observability.logs.TextFormatter"},
        "json": {"()": "heroes.observability.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "loggers": {
        # A 503 for a database that is down: one line per request, not a traceback.
        "django.request": {"filters": ["one_line_when_unavailable"]},
        "django.security.DisallowedHost": {"filters": ["without_traceback"]},
    },
    "root": {
        "handlers": ["console"],
        "level": env.str("DJANGO_LOG_LEVEL", default="INFO"),
    },
}
