"""The shell commands of a Markdown page, run from the clone as a reader would run them."""

import os
import re
import subprocess
from pathlib import Path

from benchmarks.servers import BASE_DIR, served, sqlite_url

SHELL_BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)


def shell_blocks(page: Path) -> list[str]:
    """Every ```sh block of the page, in order."""
    return SHELL_BLOCK.findall(page.read_text())


def run_against_served(script: str, directory: Path) -> tuple[str, str]:
    """Runs `script` with bash from the clone while `make run`'s pair (nginx in front of
    gunicorn) serves a fresh SQLite file; returns its output and the server's URL."""
    database_url = sqlite_url(directory / "db.sqlite3")
    with served(database_url, directory / "serve.log") as server:
        # The pages' URLs are make run's default; their commands run from the clone, with
        # manage.py finding .secret_key by itself.
        script = script.replace("http://127.0.0.1:8000", server.url)
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
        result = subprocess.run(
            ["bash", "-eu", "-c", script],
            cwd=BASE_DIR,
            env={**env, "DATABASE_URL": database_url},
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stderr
    return result.stdout, server.url
