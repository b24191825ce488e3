import dataclasses
import math
from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import IS_FACETS_VAR, ORDER_VAR, PAGE_VAR
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import router, transaction
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from heroes.api.ids import parse_pk
from heroes.guards.login_limit import locked_until
from heroes.guards.password_change import RevokingAdminPasswordChangeForm
from heroes.history.restore import RestoreRefused, restore
from heroes.models import AGE_MAX, DeletedHero, Hero, LoginAttempts
from heroes.speed import tallies

admin.site.site_header = "Heroes administration"
admin.site.site_title = "Heroes administration"
admin.site.index_title = "Heroes site administration"

# The admin's age ranges: (label, youngest, oldest), both ages included.
AGE_RANGES = {
    "under-18": ("Under 18", 0, 17),
    "18-30": ("18 to 30", 18, 30),
    "31-50": ("31 to 50", 31, 50),
    "over-50": ("Over 50", 51, AGE_MAX),
}


class AgeRangeFilter(admin.SimpleListFilter):
    """Heroes whose age is in one range, a BETWEEN on the age index."""

    title = "age"
    parameter_name = "age_range"

    def lookups(self, request, model_admin):
        return [(value, label) for value, (label, _, _) in AGE_RANGES.items()]

    def queryset(self, request, queryset):
        if self.value() not in AGE_RANGES:
            return queryset
        _, youngest, oldest = AGE_RANGES[self.value()]
        return queryset.filter(age__range=(youngest, oldest))


class HasAgeFilter(admin.SimpleListFilter):
    """Heroes with an age or without one, an IS NULL on the age index."""

    title = "has age"
    parameter_name = "has_age"
    CHOICES = {"yes": False, "no": True}  # value: age__isnull

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() not in self.CHOICES:
            return queryset
        return queryset.filter(age__isnull=self.CHOICES[self.value()])


def tallied_count(params, using: str) -> int | None:
    """How many heroes the admin's age filters keep, from the tallies rather than COUNT(*).

    None when the query holds anything else (a search, another filter, a value no
    filter knows): the paginator counts those.
    """
    age_range = params.get(AgeRangeFilter.parameter_name)
    has_age = params.get(HasAgeFilter.parameter_name)
    filters = {AgeRangeFilter.parameter_name, HasAgeFilter.parameter_name}
    if (
        set(params) - {ORDER_VAR, PAGE_VAR, IS_FACETS_VAR} - filters  # facets: never shown
        or any(len(params.getlist(name)) > 1 for name in filters)
        or age_range not in (None, *AGE_RANGES)
        or has_age not in (None, *HasAgeFilter.CHOICES)
    ):
        return None
    total = tallies.total(using)
    if total is None:
        return None  # not migrated
    if has_age == "no":
        # Heroes without an age are in no age range.
        return 0 if age_range else total - tallies.count_between(0, AGE_MAX, using)
    if age_range:
        _, youngest, oldest = AGE_RANGES[age_range]
        return tallies.count_between(youngest, oldest, using)
    if has_age == "yes":
        return tallies.count_between(0, AGE_MAX, using)
    return total


class TalliedPaginator(Paginator):
    """Pages of heroes whose count comes from the tallies rather than COUNT(*)."""

    def __init__(self, object_list, per_page, *, params, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.params = params

    @cached_property
    def count(self) -> int:
        tallied = tallied_count(self.params, self.object_list.db)
        return super().count if tallied is None else tallied


class HeroChangesContext(HistoricalRecordContextHelper):
    """The history's "Changes" column: what staff edit, not the write counter behind ETags."""

    def context_for_delta_changes(self, delta) -> list[dict]:
        shown = [change for change in delta.changes if change.field != "version"]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=shown))


@admin.register(Hero)
class HeroAdmin(SimpleHistoryAdmin):
    """Staff list, search, sort, edit and delete heroes, see their history and restore them."""

    list_display = ["id", "name", "age", "secret_name"]
    list_display_links = ["id", "name"]
    # Prefixes (Django's "^"), matched by get_search_results below.
    search_fields = ["^name", "^secret_name"]
    search_help_text = "Heroes whose name or secret name starts with this text, in any case."
    ordering = ["id"]
    sortable_by = ["id", "name", "age"]
    list_filter = [AgeRangeFilter, HasAgeFilter]
    # A count per filter choice would be one more COUNT per choice on every page.
    show_facets = admin.ShowFacets.NEVER
    # The unfiltered total would be a second COUNT(*) of the whole table on every page.
    show_full_result_count = False
    list_per_page = 50

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # Sorting, paging and the age filters are counted by the tallies; a search is not.
        return TalliedPaginator(
            queryset,
            per_page,
            params=request.GET,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
        )

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

    # The history page: who, when, what changed (heroes.history).
    history_list_display = ["command"]

    def command(self, entry) -> str:
        return entry.history_command or "-"

    def get_historical_record_context_helper(self, request, historical_record):
        return HeroChangesContext(self.model, historical_record)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # simple-history's own ends with a select_related() that drops the user's join: one
        # query per entry otherwise.
        queryset = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return queryset.select_related("history_user")

    def history_view(self, request, object_id, extra_context=None):
        _history_ids(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _history_ids(object_id, version_id)
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        # simple-history checks only the view permission here, even on POST: a restore
        # needs more. One transaction holds the restore and the admin's log entry of it.
        if not self.has_change_permission(request):
            raise PermissionDenied
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        match = request.resolver_match
        if match.url_name != f"{self.opts.app_label}_{self.opts.model_name}_simple_history":
            super().save_model(request, obj, form, change)
            return
        obj._history_user = request.user
        entry = get_object_or_404(Hero.history, id=obj.pk, history_id=match.args[1])
        try:
            restore(obj, entry, may_create=self.has_add_permission(request))
        except RestoreRefused:
            raise PermissionDenied from None  # restoring a deleted hero creates it again

    def delete_queryset(self, request, queryset):
        # Every other write locks one hero, then its tally rows. This one locks its heroes
        # in id order first (the subquery of the read that collects them for their history
        # entries), until the DELETE commits: two bulk deletes of overlapping heroes queue
        # rather than deadlock, whatever order each DELETE would scan its rows in.
        with transaction.atomic(using=router.db_for_write(queryset.model)):
            queryset.model.objects.filter(
                pk__in=queryset.order_by("pk").select_for_update().values("pk")
            ).delete()


def _history_ids(*raw_ids: str) -> None:
    """A hero's history pages name a hero and an entry by number; anything else is a 404."""
    for model, raw in zip((Hero, Hero.history.model), raw_ids, strict=False):
        if parse_pk(model, unquote(raw)) is None:
            raise Http404(f"No {model._meta.verbose_name} has the id {raw!r}.")


@admin.register(DeletedHero)
class DeletedHeroAdmin(admin.ModelAdmin):
    """Staff find deleted heroes, as they were deleted, and open the version to restore."""

    list_display = ["id", "name", "age", "secret_name", "deleted_at", "deleted_by", "restore"]
    list_display_links = None
    search_fields = ["^name"]
    search_help_text = "Deleted heroes whose name starts with this text, in any case."
    ordering = ["-history_id"]
    sortable_by = ["id", "deleted_at"]
    show_full_result_count = False

    def get_queryset(self, request):
        # A hero's last entry; a hero restored since has a later one.
        last = Hero.history.filter(id=OuterRef("id")).order_by("-history_id")
        return (
            super()
            .get_queryset(request)
            .filter(history_type="-", history_id=Subquery(last.values("history_id")[:1]))
            .select_related("history_user")
        )

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("heroes.view_hero")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="deleted", ordering="history_date")
    def deleted_at(self, entry) -> str:
        return date_format(timezone.localtime(entry.history_date), "DATETIME_FORMAT")

    @admin.display(description="deleted by")
    def deleted_by(self, entry) -> str:
        return entry.history_user or entry.history_command or "-"

    @admin.display(description="restore")
    def restore(self, entry) -> str:
        history = f"admin:{Hero._meta.app_label}_{Hero._meta.model_name}_simple_history"
        url = reverse(history, args=[entry.id, entry.history_id], current_app=self.admin_site.name)
        return format_html('<a href="{}">Restore this hero…</a>', url)


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


admin.site.unregister(User)


@admin.register(User)
class TokenRevokingUserAdmin(UserAdmin):
    """Django's user admin, whose password form revokes tokens when it disables passwords."""

    change_password_form = RevokingAdminPasswordChangeForm
