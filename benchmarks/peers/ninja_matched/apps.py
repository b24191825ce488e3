from django.apps import AppConfig


class HeroesConfig(AppConfig):
    """The peer's one app, labelled as the project's so that it reads the same tables."""

    name = "ninja_matched"
    label = "heroes"
    default_auto_field = "django.db.models.BigAutoField"
