import functools
import os
import re
import sys
import time

from django.core.signals import got_request_exception
from django.db import Error as DatabaseError
from django.dispatch import receiver

# prometheus_client reads a set but empty PROMETHEUS_MULTIPROC_DIR (as .env.example leaves
# it) as the current directory, and writes its files there: empty means unset here.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)

from prometheus_client import Counter, Histogram

# Any other method a client invents is counted as "other", so labels stay few.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"
NAMED_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")

REQUESTS = Histogram(
    "heroes_http_request_duration_seconds",
    "Seconds from a request reaching Django to its response, by route template, method "
    "and status. Its _count is the number of requests.",
    ["route", "method", "status"],
)
DATABASE_ERRORS = Counter(
    "heroes_database_errors_total",
    "Requests that failed on a database error, by the error's class.",
    ["error"],
)
LOGIN_REFUSALS = Counter(
    "heroes_login_refusals_total",
    "Login attempts the login limit refused with 429 (token endpoint and login pages).",
)


def route_template(request) -> str:
    """The route that matched `request` (`heroes/<pk>/`, `admin/...`), or "unmatched"."""
    match = request.resolver_match
    return UNMATCHED if match is None else _readable(match.route)


@functools.cache  # one entry per route of the URLconf
def _readable(route: str) -> str:
    # DRF's router writes its routes as regular expressions: "^heroes/(?P<pk>[^/.]+)/$".
    return NAMED_GROUP.sub(r"<\1>", route.removeprefix("^").removesuffix("$"))


class MetricsMiddleware:
    """Times every request and counts it by route template, method and status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(route_template(request), method, str(response.status_code)).observe(
            time.perf_counter() - start
        )
        return response


@receiver(got_request_exception)
def count_database_error(sender, **kwargs) -> None:
    # Django sends this signal while it handles the exception, so it is the current one.
    error = sys.exception()
    if isinstance(error, DatabaseError):
        DATABASE_ERRORS.labels(type(error).__name__).inc()
