"""Each module of heroes.speed switched off leaves every answer the same."""

from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured

import heroes.speed
from benchmarks import ablation
from heroes.speed import (
    authentication,
    backends,
    compiled_queries,
    cors,
    messages,
    negotiation,
    policies,
    reads,
    renderers,
    saving,
    serializers,
    shortcut,
    tallies,
)
from heroproject import speed_switches
from tests.speed import contract
from tests.speed.switching import speed_off

# What only each module's own way runs: with the module off, none of it may run.
OWN_CODE = {
    "authentication": [
        (authentication.CompiledTokenAuthentication, "authenticate_credentials"),
        (authentication.CookieSessionAuthentication, "authenticate"),
    ],
    "backends": [(backends.CompiledModelBackend, "get_all_permissions")],
    "compiled_queries": [(compiled_queries, "connections")],
    "cors": [(cors.CorsMiddleware, "__call__")],
    "messages": [(messages.LazyMessageMiddleware, "process_request")],
    "negotiation": [(negotiation.CachedContentNegotiation, "select_renderer")],
    "policies": [(policies, "settings_headers")],
    "reads": [(reads, "as_dicts"), (reads, "instance_by_id")],
    "renderers": [(renderers.ORJSONRenderer, "render")],
    "saving": [(saving, "_insert"), (saving, "_update")],
    "serializers": [(serializers, "_copy")],
    "shortcut": [(shortcut, "_plain_json_get")],
    "tallies": [(tallies, "connections")],
}


class Trapped(Exception):
    """A switched-off module's code ran."""


class Trap:
    """Stands in for a function, method or mapping; raises when used."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, *args, **kwargs):
        raise Trapped(self.name)

    def __getitem__(self, key):
        raise Trapped(self.name)


@contextmanager
def trapped(modules: Iterable[str]) -> Iterator[None]:
    with ExitStack() as stack:
        for module in modules:
            for target, name in OWN_CODE[module]:
                stack.enter_context(mock.patch.object(target, name, Trap(f"{module}: {name}")))
        yield


@pytest.fixture
def users(writer, reader) -> tuple:
    # Reading history takes view_hero; the writer may, the reader may not.
    writer.user_permissions.add(Permission.objects.get(codename="view_hero"))
    return writer, reader, contract.seed(writer, reader)


@pytest.fixture(autouse=True)
def _allowed_origin(settings) -> None:
    settings.CORS_ALLOWED_ORIGINS = [contract.ORIGIN]


def _answers_with_off(modules, users) -> dict[str, list]:
    with speed_off(modules):
        return contract.answers(*users)


def test_switch_names_are_the_modules_of_heroes_speed():
    package = Path(heroes.speed.__file__).parent
    present = {path.stem for path in package.glob("*.py")} - {"__init__"}

    assert set(speed_switches.MODULES) == present
    assert len(speed_switches.MODULES) == len(present)
    assert OWN_CODE.keys() == present


def test_switched_off_without_speed_is_every_module():
    assert speed_switches.switched_off(False, ["reads"]) == set(speed_switches.MODULES)
    assert speed_switches.switched_off(True, ["reads", "cors"]) == {"reads", "cors"}
    assert speed_switches.switched_off(True, []) == set()


def test_switched_off_naming_no_module_is_refused_naming_it():
    with pytest.raises(ImproperlyConfigured, match="readz") as refused:
        speed_switches.switched_off(True, ["cors", "readz"])

    assert "\n" not in str(refused.value)


def test_plain_puts_stock_classes_in_place_of_switched_off_ones():
    middleware = [
        "django.middleware.security.SecurityMiddleware",
        "heroes.speed.cors.CorsMiddleware",
        "heroes.speed.messages.LazyMessageMiddleware",
    ]

    assert speed_switches.plain(middleware, frozenset({"cors"})) == [
        "django.middleware.security.SecurityMiddleware",
        "corsheaders.middleware.CorsMiddleware",
        "heroes.speed.messages.LazyMessageMiddleware",
    ]
    assert speed_switches.plain(middleware, frozenset()) == middleware


def test_plain_rest_framework_names_no_speed_class_with_all_off():
    plain = speed_switches.plain_rest_framework(settings.REST_FRAMEWORK, speed_switches.MODULES)
    named = [path for name in speed_switches.REST_FRAMEWORK_LISTS for path in plain[name]]
    named.append(plain["DEFAULT_CONTENT_NEGOTIATION_CLASS"])

    assert not [path for path in named if path.startswith("heroes.speed.")]
    assert plain["NUM_PROXIES"] == settings.REST_FRAMEWORK["NUM_PROXIES"]


@pytest.mark.parametrize("module", speed_switches.MODULES)
def test_contract_with_module_off_answers_as_with_all_on(users, module):
    all_on = _answers_with_off((), users)

    with trapped({module}):
        off = _answers_with_off({module}, users)
    if module == "authentication":
        # The one difference: see the whole layer's test below.
        off, all_on = _vary_without_cookie(off), _vary_without_cookie(all_on)
    assert off == all_on


@pytest.mark.speed
@pytest.mark.parametrize("module", speed_switches.MODULES)
def test_contract_with_module_on_runs_its_code(users, module):
    # Else the test above would pass whether the switch worked or not.
    if module in settings.HEROES_SPEED_OFF:
        pytest.skip(f"this process started with {module} off (HEROES_SPEED_OFF)")
    with trapped({module}), pytest.raises(Trapped):
        _answers_with_off((), users)


def test_contract_with_whole_layer_off_answers_as_with_all_on_but_vary_cookie(users):
    all_on = _answers_with_off((), users)

    # The one difference, and only with `authentication` off: DRF's SessionAuthentication
    # then reads the session of a request that sent no cookie, and Django's session
    # middleware adds `Cookie` to Vary. The speed layer never reads a session that is not
    # there. The answers are the same for every client either way.
    with trapped(speed_switches.MODULES):
        all_off = _answers_with_off(speed_switches.MODULES, users)
    assert _vary_without_cookie(all_off) == _vary_without_cookie(all_on)


def _vary_without_cookie(seen: dict[str, list]) -> dict[str, list]:
    for _, _, headers, _ in seen["answers"]:
        if "Vary" in headers:
            headers["Vary"] = ", ".join(v for v in headers["Vary"].split(", ") if v != "Cookie")
    return seen


def test_contract_runs_are_repeatable(users):
    # The comparison above means something only if one way, run twice, answers the same.
    assert _answers_with_off((), users) == _answers_with_off((), users)


def test_benchmark_ablation_switches_every_module_off():
    assert set(ablation.MODULES) == set(speed_switches.MODULES)
