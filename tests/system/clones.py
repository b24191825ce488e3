"""Fresh clones of the project for `make run`: the files a clone has, a throwaway user to own
one, and a wheelhouse so each clone's first `make run` installs without the network."""

import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.servers import BASE_DIR

# What a clone leaves out, or links to the main checkout's in a worktree.
NOT_CLONED = (".venv", ".venv-peers", "node_modules")


def clone(target: Path) -> Path:
    """Copies the project's files into `target` as a clone has them: tracked and new files, not
    the ignored ones (.venv, .secret_key, db.sqlite3, .run/, staticfiles/)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=BASE_DIR,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = BASE_DIR / name
        if name.split("/", 1)[0] in NOT_CLONED or source.is_symlink() or not source.is_file():
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name)
    return target


@contextmanager
def wheelhouse() -> Iterator[Path]:
    """requirements.txt's wheels, downloaded once, in a directory any user may read: a clone's
    `make run` installs from it (PIP_FIND_LINKS, PIP_NO_INDEX) as it would from the index."""
    directory = Path(tempfile.mkdtemp(prefix="heroes-wheels-"))
    try:
        directory.chmod(0o755)
        requirements = str(BASE_DIR / "requirements.txt")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "-r",
                requirements,
                "-d",
                directory,
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
        for wheel in directory.iterdir():
            wheel.chmod(0o644)
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def throwaway_user() -> Iterator[pwd.struct_passwd]:
    """A new user with a 0700 home of their own, deleted (with the home) afterwards."""
    name = f"heroes-{secrets.token_hex(4)}"
    subprocess.run(
        ["useradd", "--create-home", "--shell", "/bin/bash", name],
        check=True,
        capture_output=True,
        timeout=60,
    )
    try:
        user = pwd.getpwnam(name)
        Path(user.pw_dir).chmod(0o700)
        yield user
    finally:
        subprocess.run(["userdel", "--remove", name], capture_output=True, timeout=60)


def give(tree: Path, user: pwd.struct_passwd) -> None:
    """Makes `user` the owner of `tree` and everything in it."""
    for path in [tree, *tree.rglob("*")]:
        os.chown(path, user.pw_uid, user.pw_gid, follow_symlinks=False)


def stop_group(process: subprocess.Popen, timeout: float = 60) -> None:
    """SIGTERM to the process's group (make, serve.sh, nginx, gunicorn), then waits until every
    one of them has exited, so whatever they clean up on exit is cleaned up."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        process.poll()
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    raise AssertionError(f"make run's processes still ran {timeout} s after SIGTERM")
