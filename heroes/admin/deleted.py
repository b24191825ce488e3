"""Deleted heroes, as they were deleted, each with a link to restore it."""

from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from heroes.models import DeletedHero, Hero


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
