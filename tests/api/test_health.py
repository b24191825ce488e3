import json
import os
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

from django.conf import settings
from django.urls import reverse

PROBE = """
from django.test import Client
response = Client(HTTP_HOST="localhost").get("/healthz")
print(response.status_code, response.content.decode())
"""


def test_healthz_when_database_answers(api_client, db):
    response = api_client.get(reverse("healthz"))

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_without_trailing_slash(api_client, db):
    assert api_client.get("/healthz").status_code == HTTPStatus.OK


def test_healthz_answers_head_for_load_balancers(api_client, db):
    response = api_client.head(reverse("healthz"))

    assert response.status_code == HTTPStatus.OK
    assert response.content == b""


def test_healthz_refuses_writes(api_client, db):
    assert api_client.post(reverse("healthz")).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_healthz_when_database_is_unreachable(tmp_path: Path):
    env = {
        **os.environ,
        # A SQLite file in a directory that does not exist cannot be opened.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "heroproject.settings",
    }
    code = "import django; django.setup()\n" + PROBE

    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    status, body = result.stdout.strip().split(" ", 1)
    assert int(status) == HTTPStatus.SERVICE_UNAVAILABLE
    assert json.loads(body) == {"status": "unavailable", "database": "error"}
