"""`make dev`: Django's development server with debug on, reloading on code changes."""

import os
import shutil
import time
import urllib.error
import urllib.request

import pytest

from benchmarks.servers import BASE_DIR, free_port, sqlite_url, start_server, stop

# What `make dev` needs of the clone; .venv is linked, not copied.
PROJECT_FILES = ["Makefile", "manage.py", "requirements.txt", "heroes", "heroproject"]


@pytest.fixture
def clone(tmp_path):
    """A copy of the project, so the test can change its code; modification times kept."""
    directory = tmp_path / "clone"
    directory.mkdir()
    for name in PROJECT_FILES:
        source = BASE_DIR / name
        if source.is_dir():
            shutil.copytree(source, directory / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, directory / name)
    (directory / ".venv").symlink_to(BASE_DIR / ".venv")
    return directory


def _get(url: str, accept: str = "application/json") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except (urllib.error.URLError, ConnectionError):
        return 0, ""  # restarting


def test_make_dev_serves_with_debug_and_reloads_changed_code(clone, tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DATABASE_URL"] = sqlite_url(tmp_path / "dev.sqlite3")
    log_path = tmp_path / "dev.log"
    server = start_server(
        ["make", "--no-print-directory", "dev", f"PORT={port}"],
        log_path,
        env=env,
        port=port,
        cwd=clone,
    )
    try:
        status, body = _get(f"{server.url}/heroes/")
        assert status == 200
        assert body.startswith('{"count":0,')
        # Debug is on: an unknown page is Django's technical 404, naming the URLconf.
        status, body = _get(f"{server.url}/no-such-page", accept="text/html")
        assert status == 404
        assert "Using the URLconf defined in <code>heroproject.urls</code>" in body

        health = clone / "heroes" / "api" / "health.py"
        code = health.read_text().replace('"alive"', '"alive and reloaded"')
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            # Written again each time: the reloader misses a change made before it first
            # looked at the file, and sees each later one.
            health.write_text(code)
            time.sleep(1.5)
            status, body = _get(f"{server.url}/livez")
            if status == 200 and "reloaded" in body:
                break
    finally:
        stop(server.process)

    assert body == '{"status": "alive and reloaded"}'
    assert "changed, reloading" in log_path.read_text()
    assert (clone / ".secret_key").stat().st_mode & 0o777 == 0o600
