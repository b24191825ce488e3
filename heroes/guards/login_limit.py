"""The login limit: attempts per client and window, shared by every worker and server."""

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from heroes.guards.client_address import client_address
from heroes.models import LoginAttempts
from heroes.observability.metrics import LOGIN_REFUSALS


def record_attempt(client: str) -> float | None:
    """Counts one login attempt; answers the seconds to wait if it is one too many.

    A window opens at a client's first attempt and lasts LOGIN_WINDOW_SECONDS; within it
    LOGIN_ATTEMPTS attempts pass. The row is locked while it is read and written, so
    concurrent attempts from many workers are counted exactly.
    """
    limit, window = settings.LOGIN_ATTEMPTS, settings.LOGIN_WINDOW_SECONDS
    now = timezone.now()
    with transaction.atomic():
        row, created = LoginAttempts.objects.select_for_update().get_or_create(
            client=client, defaults={"window_start": now}
        )
        elapsed = (now - row.window_start).total_seconds()
        if created or elapsed >= window:
            # A new window; forget every client whose window has closed.
            LoginAttempts.objects.filter(window_start__lte=now - timedelta(seconds=window)).exclude(
                pk=row.pk
            ).delete()
            row.window_start, row.attempts, elapsed = now, 0, 0.0
        if row.attempts >= limit:
            LOGIN_REFUSALS.inc()
            return window - elapsed
        row.attempts += 1
        row.save(update_fields=["window_start", "attempts"])
    return None


def locked_until(window_start: datetime, attempts: int, now: datetime) -> datetime | None:
    """When a client's refusals end, as record_attempt counts; None when it may try now.

    Past LOGIN_ATTEMPTS attempts, every attempt is refused until the window closes.
    """
    window_end = window_start + timedelta(seconds=settings.LOGIN_WINDOW_SECONDS)
    if attempts >= settings.LOGIN_ATTEMPTS and now < window_end:
        return window_end
    return None


class LoginLimitThrottle(BaseThrottle):
    """Refuses a client's login attempts past LOGIN_ATTEMPTS per window, with 429."""

    wait_seconds: float | None = None

    def allow_request(self, request, view) -> bool:
        if request.method != "POST":
            return True  # only a login is an attempt: OPTIONS, GET and the rest are not
        self.wait_seconds = record_attempt(client_address(request))
        return self.wait_seconds is None

    def wait(self) -> float | None:
        return self.wait_seconds


def too_many_attempts(wait_seconds: float) -> HttpResponse:
    """The 429 a login page answers, for people rather than API clients."""
    seconds = math.ceil(wait_seconds)
    response = HttpResponse(
        f"Too many login attempts. Try again in {seconds} seconds.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(seconds)
    return response


class LoginLimitMiddleware:
    """Counts POSTs to the admin and browsable-API login pages against the login limit.

    The API's token endpoint counts against the same limit through LoginLimitThrottle,
    so a client gets LOGIN_ATTEMPTS guesses per window across all three.
    """

    GUARDED_VIEWS = frozenset({"admin:login", "rest_framework:login"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method == "POST" and request.resolver_match.view_name in self.GUARDED_VIEWS:
            wait_seconds = record_attempt(client_address(request))
            if wait_seconds is not None:
                return too_many_attempts(wait_seconds)
        return None
