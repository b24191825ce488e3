import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection


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


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite-only tuning")
def test_sqlite_is_tuned_for_several_workers():
    options = settings.DATABASES["default"]["OPTIONS"]

    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]
    assert not settings.DATABASES["default"]["ATOMIC_REQUESTS"]
