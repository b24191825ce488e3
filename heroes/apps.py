from django.apps import AppConfig


class HeroesConfig(AppConfig):
    """The hero resource: model, API, admin."""

    name = "heroes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from heroes.portability import (  # noqa: F401  registers the lookups and checks
            checks,
            lookups,
        )
