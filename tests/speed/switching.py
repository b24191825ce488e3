"""Settings with modules of heroes.speed switched off, in-process, as a server would start.

A server reads HEROES_SPEED_OFF once (heroproject.speed_switches); here the same functions
build the middleware, backends and DRF classes from this process's settings.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from unittest import mock

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection
from django.test import override_settings
from django.utils.module_loading import import_string
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from heroes.api.views import HeroViewSet
from heroes.models import Hero
from heroproject import speed_switches

# APIView reads DRF's defaults into class attributes once, at import: a server starts with
# them, a test has to set them again after overriding REST_FRAMEWORK.
VIEW_DEFAULTS = {
    "authentication_classes": "DEFAULT_AUTHENTICATION_CLASSES",
    "renderer_classes": "DEFAULT_RENDERER_CLASSES",
    "parser_classes": "DEFAULT_PARSER_CLASSES",
    "content_negotiation_class": "DEFAULT_CONTENT_NEGOTIATION_CLASS",
}

# HeroViewSet reads the classes settings name once, at import, too.
HERO_VIEWSET_CLASSES = {
    "queryset": ("HEROES_QUERYSET_CLASS", lambda queryset_class: queryset_class(Hero)),
    "serializer_class": ("HEROES_SERIALIZER_CLASS", lambda serializer_class: serializer_class),
    "pagination_class": ("HEROES_LIST_PAGINATION_CLASS", lambda pagination_class: pagination_class),
}


@contextmanager
def speed_off(modules: Iterable[str]) -> Iterator[None]:
    """Runs the block as a server started with HEROES_SPEED_OFF=<modules> would answer.

    Test clients made inside the block load its middleware: make them there.
    """
    off = frozenset(modules)
    with override_settings(
        HEROES_SPEED_OFF=off,
        MIDDLEWARE=speed_switches.plain(settings.MIDDLEWARE, off),
        AUTHENTICATION_BACKENDS=speed_switches.plain(settings.AUTHENTICATION_BACKENDS, off),
        REST_FRAMEWORK=speed_switches.plain_rest_framework(settings.REST_FRAMEWORK, off),
        **speed_switches.plain_classes(
            {name: getattr(settings, name) for name in speed_switches.CLASS_SETTINGS}, off
        ),
    ):
        defaults = {
            attribute: getattr(api_settings, name) for attribute, name in VIEW_DEFAULTS.items()
        }
        hero_classes = {
            attribute: build(import_string(getattr(settings, name)))
            for attribute, (name, build) in HERO_VIEWSET_CLASSES.items()
        }
        with (
            mock.patch.multiple(APIView, **defaults),
            mock.patch.multiple(HeroViewSet, **hero_classes),
        ):
            yield


def reset_sequences(*models) -> None:
    """Makes the next ids follow the largest stored ones, so two runs get the same ids.

    PostgreSQL's sequences stay advanced after a rollback; SQLite's roll back with it.
    """
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
