from django.apps import AppConfig


class HeroesConfig(AppConfig):
    """The hero resource: model, API, admin."""

    name = "heroes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The database checks. The lookups come with the field that uses them (Hero.name).
        from heroes.portability import checks, search_checks  # noqa: F401
