from django.contrib import admin
from ninja_heroes.models import Hero


@admin.register(Hero)
class HeroAdmin(admin.ModelAdmin):
    """The hero changelist and its search, as the Django tutorial sets one up."""

    list_display = ["id", "name", "age"]
    search_fields = ["name"]
