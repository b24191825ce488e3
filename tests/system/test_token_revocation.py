"""`manage.py changepassword`, typed at a terminal, revokes the user's API tokens.

The command reads the password with getpass from a real pseudo-terminal, as an operator
types it; gunicorn serves the database of this pass (PostgreSQL or a SQLite file).
"""

import os
import pty
import select
import subprocess
import sys
import time
from contextlib import ExitStack
from http import HTTPStatus
from urllib.parse import urlencode

from benchmarks.servers import BASE_DIR, create_user, gunicorn, server_env, stop
from tests.system.clients import HttpClient
from tests.system.figures import record_figures
from tests.system.postgres import database_of_this_pass

OLD_PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "an entirely new passphrase 42"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _read_until(terminal: int, transcript: bytes, expected: bytes, timeout: float = 60) -> bytes:
    """Reads the terminal until `expected` shows (or the program ends); returns all read."""
    deadline = time.monotonic() + timeout
    while expected not in transcript and time.monotonic() < deadline:
        ready, _, _ = select.select([terminal], [], [], 1)
        if not ready:
            continue
        try:
            chunk = os.read(terminal, 4096)
        except OSError:  # EIO: the program closed the terminal
            break
        if not chunk:
            break
        transcript += chunk
    return transcript


def changepassword(database_url: str, username: str, password: str) -> tuple[int, str]:
    """Runs `manage.py changepassword` on a pseudo-terminal and types `password` twice."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "changepassword", username],
        cwd=BASE_DIR,
        env=server_env(database_url),
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        start_new_session=True,
    )
    os.close(terminal)
    transcript = b""
    try:
        for prompt in (b"Password: ", b"Password (again): "):
            transcript = _read_until(controller, transcript, prompt)
            assert prompt in transcript, transcript.decode(errors="replace")
            os.write(controller, password.encode() + b"\n")
        transcript = _read_until(controller, transcript, b"successfully")
        returncode = process.wait(timeout=60)
    finally:
        stop(process)
        os.close(controller)
    return returncode, transcript.decode(errors="replace")


def _create_hero(server_url: str, token: str):
    client = HttpClient(server_url, token=token)
    return client.request("POST", "/heroes/", {"name": "Deadpond", "secret_name": "Dive Wilson"})


def _obtain_token(server_url: str, password: str):
    body = urlencode({"username": "victim", "password": password})
    return HttpClient(server_url).request("POST", "/auth/token/", body, FORM)


def test_changepassword_at_a_terminal_revokes_the_users_tokens(tmp_path):
    with ExitStack() as stack:
        url = stack.enter_context(database_of_this_pass(tmp_path))
        server = stack.enter_context(gunicorn(url, tmp_path / "gunicorn.log"))
        old_token = create_user(url, "victim", OLD_PASSWORD, permissions=("add_hero",))
        before = _create_hero(server.url, old_token)

        returncode, transcript = changepassword(url, "victim", NEW_PASSWORD)

        with_old_token = _create_hero(server.url, old_token)
        with_old_password = _obtain_token(server.url, OLD_PASSWORD)
        with_new_password = _obtain_token(server.url, NEW_PASSWORD)
        new_token = with_new_password.json().get("token", "")
        with_new_token = _create_hero(server.url, new_token)
        heroes = HttpClient(server.url).request("GET", "/heroes/").json()
        log = server.log()

    record_figures(
        "token_revocation",
        {
            "database": "postgresql" if url.startswith("postgres") else "sqlite",
            "write_with_token_before": before.status,
            "changepassword_exit_code": returncode,
            "write_with_old_token_after": with_old_token.status,
            "token_with_old_password": with_old_password.status,
            "token_with_new_password": with_new_password.status,
            "new_token_differs": new_token != old_token,
            "write_with_new_token": with_new_token.status,
            "heroes_stored": heroes["count"],
        },
    )
    assert before.status == HTTPStatus.CREATED
    assert returncode == 0
    assert "Password changed successfully for user 'victim'" in transcript
    assert NEW_PASSWORD not in transcript  # typed with echo off, as at a real terminal
    assert with_old_token.status == HTTPStatus.UNAUTHORIZED
    assert with_old_token.json() == {"detail": "Invalid token."}
    assert with_old_password.status == HTTPStatus.BAD_REQUEST
    assert with_new_password.status == HTTPStatus.OK
    assert len(new_token) == len(old_token)
    assert new_token != old_token
    assert with_new_token.status == HTTPStatus.CREATED
    assert heroes["count"] == 2
    assert "Traceback" not in log
