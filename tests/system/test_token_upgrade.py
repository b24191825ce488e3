"""A token printed by the version before hashed tokens still works after the upgrade.

That version (the commit before django-rest-knox came in) is taken from git: its own
migrate and `hero_token` run on a SQLite file, then this version migrates and serves it.
"""

import io
import subprocess
import sys
import tarfile
from http import HTTPStatus
from pathlib import Path

from benchmarks.servers import BASE_DIR, gunicorn, server_env, sqlite_url
from tests.system.clients import HttpClient

# main as issue 25 found it: plain DRF tokens (rest_framework.authtoken).
PLAIN_TOKENS_VERSION = "bb59a48ef776f4c7a43072b691586c11481fd78a"
WRITER = """
from django.contrib.auth.models import Permission, User
writer = User.objects.create_user("writer", password="correct horse battery staple")
writer.user_permissions.add(Permission.objects.get(codename="add_hero"))
"""


def _old_version(directory: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", PLAIN_TOKENS_VERSION],
        cwd=BASE_DIR,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(directory, filter="data")
    return directory


def _old_manage(old: Path, url: str, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=old,
        env=server_env(url),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout


def test_upgrade_keeps_old_hero_token_working_and_stores_it_hashed(tmp_path):
    old = _old_version(tmp_path / "old")
    url = sqlite_url(tmp_path / "db.sqlite3")
    _old_manage(old, url, "migrate", "--noinput", "-v0")
    _old_manage(old, url, "shell", "-c", WRITER)
    token = _old_manage(old, url, "hero_token", "writer").strip()

    with gunicorn(url, tmp_path / "server.log") as server:  # migrates to this version
        body = {"name": "Deadpond", "secret_name": "Dive Wilson"}
        created = HttpClient(server.url, token=token).request("POST", "/heroes/", body)
        stored = b"".join(path.read_bytes() for path in tmp_path.glob("db.sqlite3*"))
        logged_out = HttpClient(server.url, token=token).request("POST", "/auth/logout/")
        after = HttpClient(server.url, token=token).request("POST", "/heroes/", body)

    assert len(token) == 40
    assert created.status == HTTPStatus.CREATED
    assert token.encode() not in stored
    assert logged_out.status == HTTPStatus.NO_CONTENT
    assert after.status == HTTPStatus.UNAUTHORIZED
