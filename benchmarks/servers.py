"""Real servers (gunicorn, and nginx in front of it) for tests and the benchmark."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
# One key for every server started here, as instances of one service share theirs.
SECRET_KEY = secrets.token_urlsafe(50)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    """Production settings: debug off, a real key, static files through whitenoise."""
    # Nothing of the caller's own settings: no DJANGO_ variable, and no speed switch
    # (HEROES_SPEED, HEROES_SPEED_OFF) unless `extra` names it.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HEROES_"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_HTTPS="0",  # plain HTTP on loopback
        DATABASE_URL=database_url,
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(database_url: str, *args: str, **extra_env: str) -> str:
    """Runs manage.py against `database_url` and returns what it printed."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=server_env(database_url, **extra_env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def ensure_static_files() -> None:
    """Collects static files when there are none, or when a source file is newer."""
    manifest = BASE_DIR / "staticfiles" / "staticfiles.json"
    collected = manifest.stat().st_mtime if manifest.exists() else 0.0
    sources = (BASE_DIR / "heroes" / "static").rglob("*")
    if any(path.stat().st_mtime > collected for path in sources if path.is_file()):
        manage("sqlite://:memory:", "collectstatic", "--noinput", "-v0")


def create_user(
    database_url: str,
    username: str,
    password: str,
    *,
    permissions: tuple[str, ...] = (),
    staff: bool = False,
    superuser: bool = False,
) -> str:
    """Creates a user in the server's database and returns a new API token of theirs."""
    code = (
        "from django.contrib.auth.models import Permission, User\n"
        "from knox.models import AuthToken\n"
        f"user = User.objects.create_user({username!r}, password={password!r}, "
        f"is_staff={staff or superuser!r}, is_superuser={superuser!r})\n"
        f"user.user_permissions.set(Permission.objects.filter(codename__in={list(permissions)!r}))\n"
        "print(AuthToken.objects.create(user=user)[1])\n"
    )
    return manage(database_url, "shell", "--no-imports", "-c", code).strip().splitlines()[-1]


@dataclass
class Server:
    """A running gunicorn: its base URL, process, and the log it writes."""

    url: str
    process: subprocess.Popen
    log_path: Path
    run_dir: Path | None = None  # scripts/serve.sh's, when nginx is in front

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _answers(url: str, path: str | None) -> bool:
    if path is None:  # only that the port takes connections
        parts = urllib.parse.urlsplit(url)
        with socket.socket() as sock:
            return sock.connect_ex((parts.hostname, parts.port)) == 0
    try:
        with urllib.request.urlopen(f"{url}{path}", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def wait_until_healthy(
    url: str,
    process: subprocess.Popen,
    log_path: Path,
    timeout: float = 60,
    path: str | None = "/livez",
):
    """Waits until `path` answers 200 (with None: until the port takes connections)."""
    deadline = time.monotonic() + timeout
    name = Path(str(process.args[0])).name if isinstance(process.args, list) else "server"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited early:\n{log_path.read_text(errors='replace')}")
        if _answers(url, path):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{name} did not become healthy:\n{log_path.read_text(errors='replace')}")


def start_server(
    command: list[str],
    log_path: Path,
    *,
    env: dict[str, str],
    port: int,
    health_path: str | None = "/livez",
    cwd: Path = BASE_DIR,
) -> Server:
    """Starts an HTTP server command in its own process group and waits until it answers."""
    log = log_path.open("ab")
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so a kill reaches every worker
    )
    log.close()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process, log_path, path=health_path)
    except BaseException:
        stop(process)
        raise
    return Server(url=url, process=process, log_path=log_path)


def start_gunicorn(
    database_url: str,
    log_path: Path,
    *,
    workers: int = 2,
    port: int | None = None,
    app: str | None = None,
    **extra_env,
) -> Server:
    """Starts gunicorn with the project's gunicorn.conf.py on 127.0.0.1 and waits for /livez.

    `app` serves another WSGI application ("module:callable") with the same configuration.
    """
    ensure_static_files()
    port = port or free_port()
    env = server_env(database_url, PORT=str(port), WEB_CONCURRENCY=str(workers), **extra_env)
    env.pop("GUNICORN_BIND", None)
    command = [str(GUNICORN), "--config", "gunicorn.conf.py", *([app] if app else [])]
    return start_server(command, log_path, env=env, port=port)


def start_served(
    database_url: str, log_path: Path, *, workers: int = 2, port: int | None = None, **extra_env
) -> Server:
    """Serves the app as `make run` does (scripts/serve.sh: nginx in front of gunicorn)."""
    ensure_static_files()
    port = port or free_port()
    # Run as root, nginx's workers run as nobody: their temporary files live where nobody can
    # reach them, not under pytest's private temporary directory.
    run_dir = Path(tempfile.mkdtemp(prefix="heroes-serve-"))
    run_dir.chmod(0o755)
    env = server_env(
        database_url,
        PORT=str(port),
        HEROES_RUN_DIR=str(run_dir),
        GUNICORN=str(GUNICORN),
        WEB_CONCURRENCY=str(workers),
        **extra_env,
    )
    env.pop("GUNICORN_BIND", None)
    server = start_server([str(BASE_DIR / "scripts" / "serve.sh")], log_path, env=env, port=port)
    server.run_dir = run_dir
    return server


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=timeout)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)


@contextmanager
def _migrated_and_started(start, database_url: str, log_path: Path, **options) -> Iterator[Server]:
    manage(database_url, "migrate", "--noinput", "-v0")
    server = start(database_url, log_path, **options)
    try:
        yield server
    finally:
        stop(server.process)


def gunicorn(
    database_url: str, log_path: Path, *, workers: int = 2, **extra_env
) -> AbstractContextManager[Server]:
    """A migrated database served by gunicorn for the length of the block."""
    return _migrated_and_started(
        start_gunicorn, database_url, log_path, workers=workers, **extra_env
    )


def served(
    database_url: str, log_path: Path, *, workers: int = 2, **extra_env
) -> AbstractContextManager[Server]:
    """A migrated database served as `make run` serves it, for the length of the block."""
    return _migrated_and_started(start_served, database_url, log_path, workers=workers, **extra_env)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"
