"""Heroes: list, search, sort, edit and delete them, see their history and restore them."""

import dataclasses

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from heroes.admin.filters import AgeRangeFilter, HasAgeFilter, TalliedPaginator
from heroes.api.ids import parse_pk
from heroes.history.restore import RestoreRefused, restore
from heroes.models import Hero


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
    # Matched by get_search_results below: a name holding the text, a secret name starting
    # with it.
    search_fields = ["name", "^secret_name"]
    search_help_text = (
        "Heroes whose name contains this text, or whose secret name starts with it, in any case."
    )
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
        # The name through the API's substring lookup, which reads the substring index
        # (heroes.portability.lookups); the secret name, which is never indexed for
        # substrings, by prefix (migration 0007's index). The whole text is one term, spaces
        # included, so "Goldenhawk 953" finds that hero rather than heroes matching both words.
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(Q(name__icontains=term) | Q(secret_name__istartswith=term)), False

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
