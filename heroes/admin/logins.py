"""Login attempts: who is locked out now, and until when (heroes.guards.login_limit)."""

import math
from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from heroes.guards.login_limit import locked_until
from heroes.models import LoginAttempts

# As the admin writes times (its DATETIME_FORMAT, "N j, Y, P"), to the second.
UNTIL_FORMAT = "N j, Y, g:i:s a"


class LockedOutFilter(admin.SimpleListFilter):
    """Clients refused now (as heroes.guards.login_limit counts), or those that may try."""

    title = "locked out now"
    parameter_name = "locked_out"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        window_open = timezone.now() - timedelta(seconds=settings.LOGIN_WINDOW_SECONDS)
        locked = Q(attempts__gte=settings.LOGIN_ATTEMPTS, window_start__gt=window_open)
        if self.value() == "yes":
            return queryset.filter(locked)
        if self.value() == "no":
            return queryset.exclude(locked)
        return queryset


@admin.register(LoginAttempts)
class LoginAttemptsAdmin(admin.ModelAdmin):
    """Staff see who is being rate-limited, and delete a row to lift a lockout."""

    list_display = ["client", "window_start", "attempts", "locked_out", "locked_out_until"]
    list_filter = [LockedOutFilter]
    show_facets = admin.ShowFacets.NEVER
    ordering = ["-window_start"]
    readonly_fields = ["client", "window_start", "attempts", "locked_out", "locked_out_until"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(boolean=True, description="locked out")
    def locked_out(self, row: LoginAttempts) -> bool:
        return locked_until(row.window_start, row.attempts, timezone.now()) is not None

    @admin.display(description="until")
    def locked_out_until(self, row: LoginAttempts) -> str | None:
        # To the second, and how long that is from now: windows last about a minute.
        now = timezone.now()
        until = locked_until(row.window_start, row.attempts, now)
        if until is None:
            return None
        seconds = math.ceil((until - now).total_seconds())
        return f"{date_format(timezone.localtime(until), UNTIL_FORMAT)} (in {seconds} s)"
