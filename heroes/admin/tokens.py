"""Users' API tokens: who holds one, since when, until when; staff revoke them here.

No page shows a token or its digest: the database has no token to show, and the digest
means nothing to a person (it is only the row's key in the admin's URLs and checkboxes,
and no digest can be turned back into its token). Tokens come from /auth/token/ or
`manage.py hero_token`, never from this admin (no add permission): a token made here would
have to be shown on a page.
"""

from django.contrib import admin
from django.utils import timezone
from knox import admin as knox_admin  # noqa: F401  registers knox's admin, replaced below
from knox.models import AuthToken

from heroes.models import APIToken

# knox's admin lists and searches the digest, and lets staff add tokens.
admin.site.unregister(AuthToken)


@admin.register(APIToken)
class APITokenAdmin(admin.ModelAdmin):
    """Each user's tokens, newest first; deleting one revokes it."""

    list_display = ["user", "created", "expiry", "expired"]
    list_select_related = ["user"]
    list_filter = ["created", "expiry"]
    search_fields = ["user__username"]
    ordering = ["-created"]
    fields = ["user", "created", "expiry"]
    readonly_fields = ["user", "created", "expiry"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a token's user and expiry are what it was issued with

    @admin.display(boolean=True, description="expired")
    def expired(self, token: APIToken) -> bool:
        return token.expiry is not None and token.expiry < timezone.now()
