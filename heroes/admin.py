from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property

from heroes.guards.password_change import RevokingAdminPasswordChangeForm
from heroes.models import Hero, LoginAttempts
from heroes.speed import tallies


class AllHeroesPaginator(Paginator):
    """Pages of every hero, whose total comes from the tally rather than COUNT(*)."""

    @cached_property
    def count(self) -> int:
        tallied = tallies.total(self.object_list.db)
        return super().count if tallied is None else tallied


@admin.register(Hero)
class HeroAdmin(admin.ModelAdmin):
    """Staff list, search, sort, edit and delete heroes, secret names included."""

    list_display = ["id", "name", "age", "secret_name"]
    list_display_links = ["id", "name"]
    # Prefixes (Django's "^"), matched by get_search_results below.
    search_fields = ["^name", "^secret_name"]
    search_help_text = "Heroes whose name or secret name starts with this text, in any case."
    ordering = ["id"]
    sortable_by = ["id", "name", "age"]
    # The unfiltered total would be a second COUNT(*) of the whole table on every page.
    show_full_result_count = False
    list_per_page = 50

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # Sorting and paging keep every hero in the list; a search or filter does not.
        if set(request.GET) <= {ORDER_VAR, PAGE_VAR}:
            return AllHeroesPaginator(queryset, per_page, orphans, allow_empty_first_page)
        return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)

    def get_search_results(self, request, queryset, search_term):
        # A prefix match reads an index (migration 0007); a substring match reads every row,
        # over a second at a million heroes. The whole text is one prefix, spaces included,
        # so "Goldenhawk 953" finds that hero rather than heroes matching both words.
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(Q(name__istartswith=term) | Q(secret_name__istartswith=term)), False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Hero.DoesNotExist:
            # Deleted between this form's read of the hero and its save: Hero.save() wrote
            # nothing (it never inserts a deleted hero again) and the view's transaction
            # rolled back.
            self.message_user(
                request,
                f"The hero with ID “{object_id}” was deleted while you edited it; "
                "your changes were not saved.",
                messages.ERROR,
            )
            changelist = f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"
            return HttpResponseRedirect(reverse(changelist, current_app=self.admin_site.name))

    def delete_queryset(self, request, queryset):
        # Every other write locks one hero, then its tally rows. This one locks its heroes
        # in id order first (the DELETE's subquery): two bulk deletes of overlapping heroes
        # queue rather than deadlock, whatever order each DELETE would scan its rows in.
        queryset.model.objects.filter(
            pk__in=queryset.order_by("pk").select_for_update().values("pk")
        ).delete()


@admin.register(LoginAttempts)
class LoginAttemptsAdmin(admin.ModelAdmin):
    """Staff see who is being rate-limited, and delete a row to lift a lockout."""

    list_display = ["client", "window_start", "attempts"]
    ordering = ["-window_start"]
    readonly_fields = ["client", "window_start", "attempts"]

    def has_add_permission(self, request) -> bool:
        return False


admin.site.unregister(User)


@admin.register(User)
class TokenRevokingUserAdmin(UserAdmin):
    """Django's user admin, whose password form revokes tokens when it disables passwords."""

    change_password_form = RevokingAdminPasswordChangeForm
