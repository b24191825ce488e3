"""The servers under test, each on its own copy of the same database.

The project is served as `make run` serves it (nginx in front of gunicorn's sync worker);
the peers as their own docs serve them: FastAPI with uvicorn, django-ninja and the floor
with gunicorn. One worker process each for the one-connection rounds; under load, the
worker count each one's docs recommend (`production_workers`). The serving candidates
serve the same project another way, to compare the CPU each way of serving costs.
"""

import json
import os
import re
import sys
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

from benchmarks import peer_venv
from benchmarks.dataset import ADMIN_PASSWORD, ADMIN_USER, Dataset
from benchmarks.measure import Meter
from benchmarks.servers import (
    BASE_DIR,
    Server,
    free_port,
    server_env,
    start_gunicorn,
    start_served,
    start_server,
    stop,
)

PROJECT, FASTAPI, NINJA, FLOOR = "project", "fastapi", "ninja", "floor"
PEERS = [PROJECT, FASTAPI, NINJA, FLOOR]
PEERS_DIR = BASE_DIR / "benchmarks" / "peers"
# gunicorn alone, with its sync worker (a worker per connection) or its threaded one.
GUNICORN_SYNC, GUNICORN_GTHREAD, GUNICORN_GEVENT = "gunicorn", "gthread", "gevent"
GRANIAN, GRANIAN_BEHIND_NGINX = "granian", "nginx-granian"
CANDIDATES = {
    GUNICORN_SYNC: {},
    GUNICORN_GTHREAD: {"GUNICORN_CMD_ARGS": "--worker-class gthread --threads 4"},
    GUNICORN_GEVENT: {"GUNICORN_CMD_ARGS": "--worker-class gevent --worker-connections 1000"},
    GRANIAN: {},
    GRANIAN_BEHIND_NGINX: {},
}
LABELS = {
    PROJECT: "Django project (nginx + gunicorn)",
    FASTAPI: "FastAPI + SQLModel (uvicorn)",
    NINJA: "django-ninja (gunicorn)",
    FLOOR: "bare WSGI floor (gunicorn)",
    GUNICORN_SYNC: "Django project, gunicorn sync alone",
    GUNICORN_GTHREAD: "Django project, gunicorn gthread alone",
    GUNICORN_GEVENT: "Django project, gunicorn gevent alone",
    GRANIAN: "Django project, granian alone",
    GRANIAN_BEHIND_NGINX: "Django project, nginx + granian (kept-alive Unix socket)",
}
# Worker recycling would restart Django mid-run and bill its start-up to the requests.
NO_RECYCLING = {"GUNICORN_MAX_REQUESTS": "0"}


def _cpus() -> int:
    return len(os.sched_getaffinity(0))


def production_workers(name: str) -> int:
    """The worker processes each server's docs recommend on this machine."""
    if name == FASTAPI:
        return _cpus()  # FastAPI's "Server Workers": one per CPU core
    return 2 * _cpus() + 1  # gunicorn's: (2 x cores) + 1, as gunicorn.conf.py counts


@dataclass
class Running:
    """A server under test: its label, base URL, process group and database URL."""

    name: str
    server: Server
    database: str

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def pgid(self) -> int:
        return self.server.process.pid

    @property
    def meter(self) -> Meter:
        """Its CPU: its processes, and its own PostgreSQL database's backends."""
        parts = urllib.parse.urlsplit(self.database)
        database = parts.path.lstrip("/") if parts.scheme.startswith("postgres") else None
        return Meter(self.pgid, database)


def _log(logs: Path, name: str, dataset: Dataset, workers: int) -> Path:
    return logs / f"{name}-{dataset.kind}-{dataset.rows}-{workers}.log"


def _project(dataset: Dataset, logs: Path, workers: int) -> Running:
    database = dataset.copy_for(f"{PROJECT}{workers}")
    log = _log(logs, PROJECT, dataset, workers)
    server = start_served(database, log, workers=workers, **NO_RECYCLING)
    return Running(PROJECT, server, database)


def _candidate(name: str) -> Callable[[Dataset, Path, int], Running]:
    def start(dataset: Dataset, logs: Path, workers: int) -> Running:
        database = dataset.copy_for(f"{name}{workers}")
        log = _log(logs, name, dataset, workers)
        env = {**NO_RECYCLING, **CANDIDATES[name]}
        return Running(name, start_gunicorn(database, log, workers=workers, **env), database)

    return start


def _floor(dataset: Dataset, logs: Path, workers: int) -> Running:
    database = dataset.copy_for(f"{FLOOR}{workers}")
    server = start_gunicorn(
        database,
        _log(logs, FLOOR, dataset, workers),
        workers=workers,
        app="benchmarks.peers.floor:application",
        **NO_RECYCLING,
    )
    return Running(FLOOR, server, database)


def _fastapi(dataset: Dataset, logs: Path, workers: int) -> Running:
    database = dataset.copy_for(f"{FASTAPI}{workers}")
    port = free_port()
    command = [
        str(peer_venv.UVICORN),
        "fastapi_heroes:app",
        "--app-dir",
        str(PEERS_DIR),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        *(["--workers", str(workers)] if workers > 1 else []),
    ]
    server = start_server(
        command,
        _log(logs, FASTAPI, dataset, workers),
        env=server_env(database),
        port=port,
        health_path="/docs",
    )
    return Running(FASTAPI, server, database)


def _ninja(dataset: Dataset, logs: Path, workers: int) -> Running:
    database = dataset.copy_for(f"{NINJA}{workers}")
    port = free_port()
    command = [
        str(peer_venv.GUNICORN),
        "ninja_heroes.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
    ]
    env = server_env(database, DJANGO_SETTINGS_MODULE="ninja_heroes.settings")
    log = _log(logs, NINJA, dataset, workers)
    # Started from its own folder: gunicorn would read the project's gunicorn.conf.py here.
    server = start_server(command, log, env=env, port=port, health_path="/docs", cwd=PEERS_DIR)
    return Running(NINJA, server, database)


def _granian(dataset: Dataset, logs: Path, workers: int) -> Running:
    database = dataset.copy_for(GRANIAN)
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("granian")),
        "--interface",
        "wsgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        "1",
        "--no-ws",
        "--access-log",
        "heroproject.wsgi:application",
    ]
    env = server_env(database)
    server = start_server(command, _log(logs, GRANIAN, dataset, workers), env=env, port=port)
    return Running(GRANIAN, server, database)


def _granian_behind_nginx(dataset: Dataset, logs: Path, workers: int) -> Running:
    database = dataset.copy_for(GRANIAN_BEHIND_NGINX)
    port = free_port()
    run_dir = Path(tempfile.mkdtemp(prefix="heroes-bench-"))
    run_dir.chmod(0o755)  # nginx's workers run as nobody when started as root
    env = server_env(
        database,
        PORT=str(port),
        HEROES_RUN_DIR=str(run_dir),
        GRANIAN=str(Path(sys.executable).with_name("granian")),
        WEB_CONCURRENCY=str(workers),
    )
    server = start_server(
        [str(BASE_DIR / "benchmarks" / "granian_behind_nginx.sh")],
        _log(logs, GRANIAN_BEHIND_NGINX, dataset, workers),
        env=env,
        port=port,
    )
    return Running(GRANIAN_BEHIND_NGINX, server, database)


_CANDIDATE_STARTERS = {GRANIAN: _granian, GRANIAN_BEHIND_NGINX: _granian_behind_nginx}


@contextmanager
def serve(
    dataset: Dataset, logs: Path, names: list[str], *, production: bool = False
) -> Iterator[dict[str, Running]]:
    """Starts the servers, each on a fresh copy of the dataset, with one worker each (or
    with `production_workers`), and stops them afterwards, whatever happens."""
    with ExitStack() as stack:
        running = {}
        starters = {PROJECT: _project, FASTAPI: _fastapi, NINJA: _ninja, FLOOR: _floor}
        starters |= {name: _CANDIDATE_STARTERS.get(name, _candidate(name)) for name in CANDIDATES}
        for name in names:
            workers = production_workers(name) if production else 1
            running[name] = start = starters[name](dataset, logs, workers)
            stack.callback(stop, start.server.process)
        yield running


def admin_session_cookie(server: Running) -> str:
    """Logs in to the Django admin the way a browser does, and returns the Cookie header."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = f"{server.url}/admin/login/"
    with opener.open(login, timeout=30) as response:
        html = response.read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not csrf:
        raise RuntimeError("The admin login page has no CSRF token.")
    form = {
        "username": ADMIN_USER,
        "password": ADMIN_PASSWORD,
        "csrfmiddlewaretoken": csrf[1],
        "next": "/admin/",
    }
    data = urllib.parse.urlencode(form).encode()
    with opener.open(login, data=data, timeout=30) as response:
        response.read()
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise RuntimeError("The admin login failed.")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def get_json(url: str) -> object:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())
