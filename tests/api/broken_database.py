"""Requests answered by a fresh process whose database cannot serve (or is not migrated).

Such a database cannot be the one the tests run on, so a separate process gets its URL.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from benchmarks.servers import free_port
from tests.system.clients import Reply

SCRIPT = """
import json, sys
import django
django.setup()
from django.test import Client

client = Client(raise_request_exception=False, HTTP_HOST="localhost")
for method, path, headers, body in json.loads(sys.argv[1]):
    response = client.generic(
        method, path, json.dumps(body) if body else "", "application/json", headers=headers
    )
    print(json.dumps([response.status_code, dict(response.headers), response.content.decode()]))
"""


def answers(database_url: str, *requests: tuple, **env: str) -> tuple[list[Reply], str]:
    """The answers to (method, path, headers, body) requests, and what the process logged."""
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(requests)],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "heroproject.settings",
            "DJANGO_HTTPS": "0",
            "DATABASE_URL": database_url,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    replies = []
    for line in result.stdout.splitlines():
        status, headers, text = json.loads(line)
        headers = {name.lower(): value for name, value in headers.items()}
        replies.append(Reply(status, headers, text.encode()))
    return replies, result.stderr


def unreachable(kind: str, tmp_path: Path) -> tuple[str, dict[str, str]]:
    """The URL of a database that cannot be reached, and the settings to reach it with."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'db.sqlite3'}", {}  # never created
    # Nothing listens on the port; the pool gives up after a second.
    return f"postgres://heroes:secret@127.0.0.1:{free_port()}/heroes", {
        "DJANGO_DB_POOL_TIMEOUT": "1"
    }
