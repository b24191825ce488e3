"""`make run` from a fresh clone wherever a user would make one: as root in a folder only root
may enter, as a normal user in their 0700 home, and in a path with a space. Each clone's
`make run` makes its .venv, installs, migrates and serves, as the README's first command."""

import grp
import os
import pwd
import re
import stat
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from pathlib import Path

import pytest

from benchmarks.servers import BASE_DIR, free_port
from tests.system.clones import clone, give, stop_group, throwaway_user, wheelhouse

pytestmark = [
    pytest.mark.skipif(
        os.geteuid() != 0, reason="makes a user and a folder only root may enter: needs root"
    ),
    # make run serves its clone's SQLite file whatever DATABASE_URL the suite has: the
    # PostgreSQL pass would repeat the SQLite pass's runs.
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="make run's database is the clone's SQLite file: run in the SQLite pass",
    ),
]

# The first `make run` creates .venv and installs into it; then collectstatic and migrate.
STARTUP_SECONDS = 300


@pytest.fixture(scope="module")
def wheels():
    with wheelhouse() as directory:
        yield directory


def _readyz(port: int) -> int | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


@contextmanager
def make_run(
    clone_dir: Path, log: Path, wheels: Path, user: pwd.struct_passwd | None = None
) -> Iterator[int]:
    """`make run` in `clone_dir` (as `user`, or as root) until the block ends; yields its port
    once /readyz answers 200."""
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "HEROES_", "GUNICORN", "PIP_", "MAKE"))
    }
    env.update(PORT=str(port), PIP_FIND_LINKS=str(wheels), PIP_NO_INDEX="1", WEB_CONCURRENCY="1")
    command = ["make", "run"]
    if user is not None:
        # As the user logs in: their home, their name, the system's python3.
        env.update(
            HOME=user.pw_dir,
            USER=user.pw_name,
            LOGNAME=user.pw_name,
            PATH="/usr/local/bin:/usr/bin:/bin",
        )
        command = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}"]
        command += ["--init-groups", "make", "run"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=clone_dir,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while _readyz(port) != HTTPStatus.OK:
            assert process.poll() is None, f"make run exited:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"no /readyz 200:\n{log.read_text()}"
            time.sleep(0.2)
        yield port
    finally:
        stop_group(process)


def _private_dir() -> Path:
    directory = Path(tempfile.mkdtemp(prefix="heroes-root-"))
    directory.chmod(0o700)
    return directory


def test_make_run_as_root_in_a_private_folder_serves_from_a_run_dir_of_its_own(tmp_path, wheels):
    private = _private_dir()
    try:
        heroes = clone(private / "heroes")
        with make_run(heroes, tmp_path / "make-run.log", wheels) as port:
            said = re.search(
                r"serving from (\S+), removed on exit", (tmp_path / "make-run.log").read_text()
            )
            assert said, (tmp_path / "make-run.log").read_text()
            run_dir = Path(said.group(1))
            socket_dir = run_dir / "socket"

            assert not (heroes / ".run" / str(port) / "socket").exists()
            # Root's and new: nobody else may have made it, list it or write in it.
            assert run_dir.stat().st_uid == 0
            assert stat.S_IMODE(run_dir.stat().st_mode) == 0o711
            assert stat.S_IMODE(socket_dir.stat().st_mode) == 0o710
            assert socket_dir.group() == grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name
            assert (socket_dir / "gunicorn.sock").is_socket()
            assert _readyz(port) == HTTPStatus.OK
        assert not run_dir.exists()
    finally:
        subprocess.run(["rm", "-rf", "--", str(private)], check=True, timeout=60)


def test_make_run_as_a_user_in_their_private_home_serves_from_the_clone(tmp_path, wheels):
    with throwaway_user() as user:
        heroes = clone(Path(user.pw_dir) / "heroes")
        give(heroes, user)

        with make_run(heroes, tmp_path / "make-run.log", wheels, user=user) as port:
            socket = heroes / ".run" / str(port) / "socket" / "gunicorn.sock"

            assert socket.is_socket()
            assert socket.stat().st_uid == user.pw_uid
            assert stat.S_IMODE(socket.parent.stat().st_mode) == 0o700
            assert (heroes / "db.sqlite3").stat().st_uid == user.pw_uid


def test_make_run_in_a_path_with_a_space_serves(tmp_path, wheels):
    parent = Path(tempfile.mkdtemp(prefix="heroes-space-"))
    try:
        # Reachable by nginx's workers (nobody): the run dir stays in the clone, its path
        # with a space in nginx's configuration.
        parent.chmod(0o755)
        heroes = clone(parent / "my heroes")
        heroes.chmod(0o755)

        with make_run(heroes, tmp_path / "make-run.log", wheels) as port:
            run_dir = heroes / ".run" / str(port)

            assert (run_dir / "socket" / "gunicorn.sock").is_socket()
            assert f'pid "{run_dir}/nginx.pid";' in (run_dir / "nginx.conf").read_text()
    finally:
        subprocess.run(["rm", "-rf", "--", str(parent)], check=True, timeout=60)


def test_serve_as_root_refuses_a_run_dir_it_was_given_that_nginx_s_workers_cannot_reach():
    private = _private_dir()
    try:
        run_dir = private / "run"
        result = subprocess.run(
            [str(BASE_DIR / "scripts" / "serve.sh")],
            env={**os.environ, "PORT": str(free_port()), "HEROES_RUN_DIR": str(run_dir)},
            capture_output=True,
            text=True,
            timeout=60,
        )

        assert result.returncode == 1
        assert f"cannot reach {run_dir}; set HEROES_RUN_DIR" in result.stderr
        assert not (run_dir / "socket").exists()
    finally:
        subprocess.run(["rm", "-rf", "--", str(private)], check=True, timeout=60)


@pytest.mark.parametrize("path", ['/tmp/a"b', "/tmp/a\\b", "/tmp/a\nb"])
def test_nginx_config_refuses_a_path_nginx_could_not_quote(path):
    result = subprocess.run(
        [str(BASE_DIR / "scripts" / "nginx-config.sh"), path, "127.0.0.1:8000", "unix:/x.sock"],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert "a path with a double quote, backslash or newline" in result.stderr
    assert result.stdout == ""


def test_nginx_config_writes_a_path_with_sed_s_special_characters_as_it_is():
    path = "/tmp/my heroes & co|2"
    result = subprocess.run(
        [str(BASE_DIR / "scripts" / "nginx-config.sh"), path, "127.0.0.1:8000", "unix:/x.sock"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert f'pid "{path}/nginx.pid";' in result.stdout
    assert f'client_body_temp_path "{path}/client_body";' in result.stdout
