"""Errors that Django answers itself: JSON for API clients, HTML for browsers.

A URL no route matches (404), a request refused before any view (400, such as a Host that
is not allowed), and an exception that no view handled (500). When that exception says
the database cannot serve now (heroes.portability.unavailable), the answer is 503 with
Retry-After instead, in both formats. heroproject/urls.py installs these handlers.
"""

import logging
import sys

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.views import defaults

from heroes.portability.unavailable import unavailable_reason

# Seconds a client should wait before it retries a 503.
RETRY_AFTER_SECONDS = 5


def wants_html(request: HttpRequest) -> bool:
    """Browsers ask for HTML; API clients ask for JSON or anything."""
    return "text/html" in request.headers.get("Accept", "")


def bad_request(request, exception):
    if wants_html(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, DisallowedHost):
        detail = "This server does not serve the host named in the Host header."
    else:
        detail = "Bad request."
    return JsonResponse({"detail": detail}, status=400)


def permission_denied(request, exception):
    if wants_html(request):
        return defaults.permission_denied(request, exception)
    return JsonResponse(
        {"detail": "You do not have permission to perform this action."}, status=403
    )


def page_not_found(request, exception):
    # An id that no route accepts (say "1.5", or "a/b" once decoded) must answer like
    # every other API 404, not with an HTML page a JSON client cannot read.
    if wants_html(request):
        return defaults.page_not_found(request, exception)
    return JsonResponse({"detail": "Not found."}, status=404)


def server_error(request):
    # Django calls this while it handles the exception, so it is still the current one.
    reason = unavailable_reason(sys.exception())
    if reason is not None:
        return service_unavailable(request, reason)
    if wants_html(request):
        return defaults.server_error(request)
    return JsonResponse({"detail": "Server error."}, status=500)


def service_unavailable(request: HttpRequest, reason: str) -> HttpResponse:
    """503 with Retry-After: `reason` and when to try again, as JSON or as a page."""
    detail = f"{reason} Try again in {RETRY_AFTER_SECONDS} seconds."
    if wants_html(request):
        title = "Service Unavailable (503)"
        response = HttpResponse(
            f'<!doctype html><html lang="en"><head><title>{title}</title></head>'
            f"<body><h1>{title}</h1><p>{escape(detail)}</p></body></html>",
            status=503,
        )
    else:
        response = JsonResponse({"detail": detail}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class OneLineWhenUnavailable(logging.Filter):
    """Logs a request answered 503 for an unavailable database in one line, without traceback.

    Its traceback would say nothing new, once per request while the database is down.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exception = record.exc_info[1] if record.exc_info else None
        reason = unavailable_reason(exception)
        if reason is not None:
            cause = str(exception).strip().splitlines() or [""]
            record.msg = f"{record.getMessage()}: {reason} ({cause[0]})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


class WithoutTraceback(logging.Filter):
    """Logs the message alone: a refused Host header is the client's doing, not the code's."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True
