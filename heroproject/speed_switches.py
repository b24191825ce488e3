"""Which modules of heroes.speed run: HEROES_SPEED and HEROES_SPEED_OFF, for settings.

Strings only, and no app code: settings read this before any app loads, and tests build
the settings of a switched-off module with the same functions. The benchmark's ablation
starts one server per module with HEROES_SPEED_OFF=<module>, so these names are its
interface. Every module plugs in through settings (middleware, backends, DRF's classes, and the
classes the API names in CLASS_SETTINGS), so they all switch here; heroes.speed.on() lets
speed code also ask at run time, as tests switch modules in-process.
"""

from django.core.exceptions import ImproperlyConfigured

# Every module of heroes/speed/ (tests/speed/test_switches.py checks it against the files).
MODULES = (
    "authentication",
    "backends",
    "compiled_queries",
    "cors",
    "messages",
    "negotiation",
    "policies",
    "reads",
    "renderers",
    "saving",
    "serializers",
    "shortcut",
    "tallies",
)

# A class in settings that belongs to a module: the module, and the stock class that does
# the same work without it. Every speed class has one: no module only skips work of others.
STOCK = {
    "heroes.speed.cors.CorsMiddleware": ("cors", "corsheaders.middleware.CorsMiddleware"),
    "heroes.speed.policies.CSPMiddleware": ("policies", "csp.middleware.CSPMiddleware"),
    "heroes.speed.messages.LazyMessageMiddleware": (
        "messages",
        "django.contrib.messages.middleware.MessageMiddleware",
    ),
    "heroes.speed.backends.CompiledModelBackend": (
        "backends",
        "django.contrib.auth.backends.ModelBackend",
    ),
    "heroes.speed.authentication.CompiledTokenAuthentication": (
        "authentication",
        # knox's TokenAuthentication, with a token that is not UTF-8 answering 401, not 500.
        "heroes.guards.tokens.TokenAuthentication",
    ),
    "heroes.speed.authentication.CookieSessionAuthentication": (
        "authentication",
        "rest_framework.authentication.SessionAuthentication",
    ),
    "heroes.speed.renderers.ORJSONRenderer": ("renderers", "rest_framework.renderers.JSONRenderer"),
    "heroes.speed.negotiation.CachedContentNegotiation": (
        "negotiation",
        "rest_framework.negotiation.DefaultContentNegotiation",
    ),
    # Classes the API names in one setting each (CLASS_SETTINGS).
    "heroes.speed.saving.OneStatementWriter": ("saving", "heroes.versions.Writer"),
    "heroes.speed.serializers.HeroSerializer": (
        "serializers",
        "heroes.api.serializers.HeroSerializer",
    ),
    "heroes.speed.reads.HeroListPagination": (
        "reads",
        "heroes.api.pagination.HeroListPagination",
    ),
    "heroes.speed.reads.ByURLIdQuerySet": ("reads", "heroes.api.ids.ByURLIdQuerySet"),
    "heroes.speed.shortcut.HeroViewSet": ("shortcut", "heroes.api.views.HeroViewSet"),
}
# Settings that name one class for the API to import (heroes.api.views, heroes.versions).
CLASS_SETTINGS = (
    "HEROES_WRITER",
    "HEROES_SERIALIZER_CLASS",
    "HEROES_LIST_PAGINATION_CLASS",
    "HEROES_QUERYSET_CLASS",
    "HEROES_VIEWSET_CLASS",
)
REST_FRAMEWORK_LISTS = (
    "DEFAULT_AUTHENTICATION_CLASSES",
    "DEFAULT_RENDERER_CLASSES",
    "DEFAULT_PARSER_CLASSES",
)
REST_FRAMEWORK_CLASSES = ("DEFAULT_CONTENT_NEGOTIATION_CLASS",)


def switched_off(speed: bool, off: list[str]) -> frozenset[str]:
    """The modules off: all of them without `speed`, else those named in `off`."""
    unknown = sorted(set(off) - set(MODULES))
    if unknown:
        raise ImproperlyConfigured(
            f"HEROES_SPEED_OFF names no module of heroes/speed/: {', '.join(unknown)} "
            f"(the modules: {', '.join(MODULES)})."
        )
    return frozenset(off) if speed else frozenset(MODULES)


def plain(paths: list[str], off: frozenset[str]) -> list[str]:
    """`paths` (middleware, backends, DRF classes) with switched-off modules' classes stock."""
    result = []
    for path in paths:
        module, stock = STOCK.get(path, (None, path))
        result.append(stock if module in off else path)
    return result


def plain_classes(named: dict[str, str], off: frozenset[str]) -> dict[str, str]:
    """The CLASS_SETTINGS in `named`, with switched-off modules' classes stock."""
    return {name: plain([named[name]], off)[0] for name in CLASS_SETTINGS if name in named}


def plain_rest_framework(config: dict, off: frozenset[str]) -> dict:
    """DRF's settings with switched-off modules' classes stock."""
    config = {**config}
    for name in REST_FRAMEWORK_LISTS:
        if name in config:
            config[name] = plain(config[name], off)
    for name in REST_FRAMEWORK_CLASSES:
        if name in config:
            (config[name],) = plain([config[name]], off)
    return config
