from django.contrib import admin
from ninja_matched.models import Hero
from simple_history.admin import SimpleHistoryAdmin


@admin.register(Hero)
class HeroAdmin(SimpleHistoryAdmin):
    """The hero changelist and its search, with simple-history's history pages."""

    list_display = ["id", "name", "age"]
    search_fields = ["name"]
