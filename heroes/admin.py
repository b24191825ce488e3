from django.contrib import admin
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from heroes import tally
from heroes.models import Hero, LoginAttempts


class HeroPaginator(Paginator):
    """Pages of heroes whose total comes from the tally when no search or filter applies."""

    @cached_property
    def count(self) -> int:
        return tally.count(self.object_list)


@admin.register(Hero)
class HeroAdmin(admin.ModelAdmin):
    """Staff list, search, sort, edit and delete heroes, secret names included."""

    list_display = ["id", "name", "age", "secret_name"]
    list_display_links = ["id", "name"]
    search_fields = ["name", "secret_name"]
    ordering = ["id"]
    sortable_by = ["id", "name", "age"]
    # The unfiltered total would be a second COUNT(*) of the whole table on every page.
    show_full_result_count = False
    paginator = HeroPaginator
    list_per_page = 50


@admin.register(LoginAttempts)
class LoginAttemptsAdmin(admin.ModelAdmin):
    """Staff see who is being rate-limited, and delete a row to lift a lockout."""

    list_display = ["client", "window_start", "attempts"]
    ordering = ["-window_start"]
    readonly_fields = ["client", "window_start", "attempts"]

    def has_add_permission(self, request) -> bool:
        return False
