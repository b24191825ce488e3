import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from heroproject import speed_switches


def _load_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('loaded')"],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "heroproject.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_without_secret_key_fail_with_instructions():
    result = _load_settings()

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_settings_load_with_secret_key():
    result = _load_settings(DJANGO_SECRET_KEY="x" * 50)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "loaded"


def test_settings_debug_works_without_secret_key():
    assert _load_settings(DJANGO_DEBUG="1").returncode == 0


def test_debug_is_off_by_default():
    assert settings.DEBUG is False


def _settings_json(**env: str) -> dict:
    """The settings that a process started with `env` (and a secret key) ends up with."""
    code = (
        "import json, django\n"
        "from django.conf import settings as s\n"
        "django.setup()\n"
        "names = ['DATABASES', 'SECURE_PROXY_SSL_HEADER', 'SECURE_SSL_REDIRECT',\n"
        "         'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD',\n"
        "         'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'CSRF_TRUSTED_ORIGINS',\n"
        "         'ALLOWED_HOSTS', 'DEBUG', 'CORS_ALLOWED_ORIGINS', 'REST_KNOX']\n"
        "print(json.dumps({n: getattr(s, n) for n in names}, default=str))\n"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "heroproject.settings",
            "DJANGO_SECRET_KEY": "k" * 50,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_sqlite_is_tuned_for_several_workers(tmp_path):
    database = _settings_json(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")["DATABASES"][
        "default"
    ]

    assert database["ENGINE"] == "heroes.portability.sqlite3"
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert database["OPTIONS"]["timeout"] >= 5
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert not database["ATOMIC_REQUESTS"]


def test_postgres_url_gets_psycopg_and_no_sqlite_options():
    database = _settings_json(DATABASE_URL="postgres://hero:pw@db.example.com:5433/heroes")[
        "DATABASES"
    ]["default"]

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.example.com",
        5433,
        "heroes",
    )
    assert database["OPTIONS"] == {
        "pool": {"min_size": 1, "max_size": 4, "timeout": 5.0},
        "server_side_binding": True,
        "prepare_threshold": 5,
    }
    assert database["CONN_MAX_AGE"] == 0  # the pool keeps the connections
    assert database["CONN_HEALTH_CHECKS"] is True


def test_postgres_pool_sizes_come_from_the_environment():
    database = _settings_json(
        DATABASE_URL="postgres://hero:pw@db.example.com:5433/heroes?sslmode=require",
        DJANGO_DB_POOL_MIN_SIZE="2",
        DJANGO_DB_POOL_MAX_SIZE="4",
        DJANGO_DB_POOL_TIMEOUT="1.5",
    )["DATABASES"]["default"]

    assert database["OPTIONS"] == {
        "sslmode": "require",
        "pool": {"min_size": 2, "max_size": 4, "timeout": 1.5},
        "server_side_binding": True,
        "prepare_threshold": 5,
    }


@pytest.mark.parametrize("threshold", ["five", "-1", "2.5", "²"])
def test_postgres_prepare_threshold_must_be_a_whole_number(threshold):
    result = _load_settings(
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://hero:pw@db.example.com:5433/heroes",
        DJANGO_DB_PREPARE_THRESHOLD=threshold,
    )

    assert result.returncode != 0
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("django.core.exceptions.ImproperlyConfigured: DJANGO_DB_PREPARE")


def test_postgres_prepared_statements_are_off_with_an_empty_threshold():
    database = _settings_json(
        DATABASE_URL="postgres://hero:pw@db.example.com:5433/heroes",
        DJANGO_DB_PREPARE_THRESHOLD="",
    )["DATABASES"]["default"]

    assert "server_side_binding" not in database["OPTIONS"]
    assert "prepare_threshold" not in database["OPTIONS"]


def test_https_settings_are_on_by_default_in_production():
    values = _settings_json()

    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["CSRF_TRUSTED_ORIGINS"] == []


def test_proxy_and_https_settings_come_from_the_environment():
    values = _settings_json(
        DJANGO_SECURE_PROXY_SSL_HEADER="1",
        DJANGO_SECURE_HSTS_SECONDS="600",
        DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        DJANGO_SECURE_HSTS_PRELOAD="0",
        DJANGO_SESSION_COOKIE_SECURE="0",
        DJANGO_CSRF_COOKIE_SECURE="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://heroes.example.com, https://admin.example.com",
        DJANGO_ALLOWED_HOSTS="heroes.example.com,admin.example.com",
    )

    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_HSTS_SECONDS"] == 600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["CSRF_TRUSTED_ORIGINS"] == [
        "https://heroes.example.com",
        "https://admin.example.com",
    ]
    assert values["ALLOWED_HOSTS"] == ["heroes.example.com", "admin.example.com"]


def test_cors_allows_no_origin_by_default():
    assert _settings_json()["CORS_ALLOWED_ORIGINS"] == []


def test_cors_allowed_origins_come_from_the_environment():
    values = _settings_json(
        DJANGO_CORS_ALLOWED_ORIGINS="https://app.example.com, http://localhost:3000,"
    )

    assert values["CORS_ALLOWED_ORIGINS"] == ["https://app.example.com", "http://localhost:3000"]


@pytest.mark.parametrize("days", ["0", "-1", "thirty", "3.5", "²", "36501", "1000000"])
def test_history_days_must_be_a_whole_number(days):
    result = _load_settings(DJANGO_SECRET_KEY="x" * 50, DJANGO_HISTORY_DAYS=days)

    assert result.returncode != 0
    assert "DJANGO_HISTORY_DAYS" in result.stderr


def test_history_days_come_from_the_environment():
    assert _load_settings(DJANGO_SECRET_KEY="x" * 50, DJANGO_HISTORY_DAYS="90").returncode == 0
    assert settings.HISTORY_DAYS is None  # the default: keep everything


@pytest.mark.parametrize("ttl", ["-1", "thirty", "3.5", "²", "1e6"])
def test_token_ttl_must_be_whole_seconds(ttl):
    result = _load_settings(DJANGO_SECRET_KEY="x" * 50, DJANGO_TOKEN_TTL=ttl)

    assert result.returncode != 0
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("django.core.exceptions.ImproperlyConfigured: DJANGO_TOKEN_TTL")


@pytest.mark.parametrize(
    ("ttl", "lifetime"), [("", "30 days, 0:00:00"), ("3", "0:00:03"), ("0", None)]
)
def test_token_ttl_comes_from_the_environment_without_refreshing(ttl, lifetime):
    knox = _settings_json(DJANGO_TOKEN_TTL=ttl)["REST_KNOX"]

    assert (knox["TOKEN_TTL"], knox["AUTO_REFRESH"]) == (lifetime, False)


SERVER_LOADED = """
import json
from django.conf import settings as s
from django.contrib.auth import get_backends
from rest_framework.settings import api_settings as drf
from heroproject.wsgi import application  # loads every middleware, as a server's worker does
names = ["DEFAULT_AUTHENTICATION_CLASSES", "DEFAULT_RENDERER_CLASSES", "DEFAULT_PARSER_CLASSES"]
classes = [c for name in names for c in getattr(drf, name)]
classes += [drf.DEFAULT_CONTENT_NEGOTIATION_CLASS, *(type(b) for b in get_backends())]
paths = [*s.MIDDLEWARE, *(f"{c.__module__}.{c.__qualname__}" for c in classes)]
from heroproject.speed_switches import CLASS_SETTINGS
paths += [getattr(s, name) for name in CLASS_SETTINGS]
import sys
import heroproject.urls  # every view, as the first request loads them
speed = sorted(name for name in sys.modules if name.startswith("heroes.speed"))
print(json.dumps({"off": sorted(s.HEROES_SPEED_OFF), "paths": paths, "speed": speed}))
"""


def _server_loaded(**env: str) -> dict:
    """What a server's worker, started with `env`, switches off and runs."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HEROES_"))}
    result = subprocess.run(
        [sys.executable, "-c", SERVER_LOADED],
        cwd=settings.BASE_DIR,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "heroproject.settings",
            "DJANGO_SECRET_KEY": "k" * 50,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("module", speed_switches.MODULES)
def test_server_with_speed_module_off_loads_without_it(module):
    loaded = _server_loaded(HEROES_SPEED_OFF=module)

    assert loaded["off"] == [module]
    assert not [path for path in loaded["paths"] if path.startswith(f"heroes.speed.{module}.")]


def test_server_with_speed_off_loads_no_speed_class():
    loaded = _server_loaded(HEROES_SPEED="0", HEROES_SPEED_OFF="")

    assert loaded["off"] == sorted(speed_switches.MODULES)
    assert not [path for path in loaded["paths"] if path.startswith("heroes.speed.")]
    assert "django.contrib.messages.middleware.MessageMiddleware" in loaded["paths"]
    # Only the admin's changelist counts still ask the tallies, which then answer None.
    assert loaded["speed"] == ["heroes.speed", "heroes.speed.tallies"]


def test_server_by_default_runs_every_speed_module():
    assert _server_loaded()["off"] == []


def test_speed_off_naming_no_module_refuses_to_start_naming_it():
    result = _load_settings(DJANGO_SECRET_KEY="x" * 50, HEROES_SPEED_OFF="cors, readz")

    assert result.returncode != 0
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("django.core.exceptions.ImproperlyConfigured: HEROES_SPEED_OFF")
    assert "readz" in error
    assert "cors," not in error.split("(")[0]
