import logging
import re
import secrets
from contextvars import ContextVar

from django.core.signals import request_finished
from django.dispatch import receiver

from heroes.guards.client_address import is_trusted_proxy, parse_address

HEADER = "X-Request-ID"
# What a log line can carry as it is: no spaces, quotes or control characters.
VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
NO_REQUEST = "-"

current_request_id: ContextVar[str] = ContextVar("current_request_id", default=NO_REQUEST)


def incoming_request_id(request) -> str | None:
    """The X-Request-ID a trusted proxy sent, if a log line can carry it as it is."""
    value = request.META.get("HTTP_X_REQUEST_ID")
    if value is None or not VALID_ID.fullmatch(value):
        return None
    # Only the nearest hop counts: it is the one that wrote the header.
    if not is_trusted_proxy(parse_address(request.META.get("REMOTE_ADDR", ""))):
        return None
    return value


class RequestIdMiddleware:
    """Gives each request an id, a trusted proxy's X-Request-ID or a new one, and answers it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = incoming_request_id(request) or secrets.token_hex(16)
        # Cleared when the response is closed, not here: Django logs 4xx and 5xx answers
        # after the middleware has returned.
        current_request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


@receiver(request_finished)
def forget_request_id(sender, **kwargs) -> None:
    current_request_id.set(NO_REQUEST)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every log record: the current request's, or "-" outside one."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True
