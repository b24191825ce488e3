"""The servers under test, each on its own copy of the same database.

One serving boundary: every server is measured as its app server alone, served as its own
docs serve it. The project by gunicorn's sync worker with its gunicorn.conf.py; FastAPI
with uvicorn; django-ninja and the floor with gunicorn. The peers come twice: as the
tutorials write them, and matched to the project's work (its token scheme, model
permissions on writes, a history row and a version per write, ETags, 201 with Location,
the count envelope). What nginx costs is its own server, the proxy: the project behind
nginx as `make run` serves it, nginx's processes metered apart from gunicorn's.

One worker process each for the one-connection rounds; under load, the worker count each
one's docs recommend (`production_workers`).
"""

import json
import os
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

from benchmarks import peer_venv
from benchmarks.dataset import ADMIN_PASSWORD, ADMIN_USER, Dataset
from benchmarks.proc import Meter
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

PROJECT, PROXY, FLOOR = "project", "proxy", "floor"
FASTAPI_MATCHED, NINJA_MATCHED = "fastapi_matched", "ninja_matched"
FASTAPI, NINJA = "fastapi", "ninja"
# The servers every row of every table size runs on; the proxy runs beside them at the
# smallest table, on the rows `endpoints.PROXY_ROWS` names.
PEERS = [PROJECT, FASTAPI_MATCHED, NINJA_MATCHED, FASTAPI, NINJA, FLOOR]
SERVERS = [*PEERS, PROXY]
MATCHED = {FASTAPI_MATCHED, NINJA_MATCHED}
PEERS_DIR = BASE_DIR / "benchmarks" / "peers"
LABELS = {
    PROJECT: "Django project (gunicorn)",
    FASTAPI_MATCHED: "FastAPI + SQLModel, same work (uvicorn)",
    NINJA_MATCHED: "django-ninja, same work (gunicorn)",
    FASTAPI: "FastAPI + SQLModel tutorial (uvicorn)",
    NINJA: "django-ninja tutorial (gunicorn)",
    FLOOR: "bare WSGI floor (gunicorn)",
    PROXY: "Django project behind nginx (nginx + gunicorn)",
}
# The Django admin, on the servers that have one.
WITH_ADMIN = [
    name
    for name in (PROJECT, NINJA_MATCHED, NINJA)
    if name == PROJECT or (PEERS_DIR / name / "admin.py").exists()
]
# Worker recycling would restart Django mid-run and bill its start-up to the requests.
NO_RECYCLING = {"GUNICORN_MAX_REQUESTS": "0"}
NGINX = "nginx"  # its master's and workers' command: the proxy's share, metered apart


def _cpus() -> int:
    return len(os.sched_getaffinity(0))


def production_workers(name: str) -> int:
    """The worker processes each server's docs recommend on this machine."""
    if name in (FASTAPI, FASTAPI_MATCHED):
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
        return Meter(self.pgid, database, apart=NGINX if self.name == PROXY else None)


def _log(logs: Path, name: str, dataset: Dataset, workers: int) -> Path:
    return logs / f"{name}-{dataset.kind}-{dataset.rows}-{workers}.log"


def start_project(
    dataset: Dataset, logs: Path, workers: int, name: str = PROJECT, **env: str
) -> Running:
    """The project by gunicorn alone; `env` adds to its environment (HEROES_SPEED_OFF)."""
    database = dataset.copy_for(f"{name}{workers}")
    log = _log(logs, name, dataset, workers)
    server = start_gunicorn(database, log, workers=workers, **NO_RECYCLING, **env)
    return Running(name, server, database)


def _proxy(dataset: Dataset, logs: Path, workers: int) -> Running:
    database = dataset.copy_for(f"{PROXY}{workers}")
    log = _log(logs, PROXY, dataset, workers)
    # wrk sends no credentials: nginx's anonymous rate limit off.
    server = start_served(database, log, workers=workers, NGINX_ANONYMOUS_RATE="0", **NO_RECYCLING)
    return Running(PROXY, server, database)


def _floor(dataset: Dataset, logs: Path, workers: int) -> Running:
    database = dataset.copy_for(f"{FLOOR}{workers}", project=False)
    server = start_gunicorn(
        database,
        _log(logs, FLOOR, dataset, workers),
        workers=workers,
        app="benchmarks.peers.floor:application",
        **NO_RECYCLING,
    )
    return Running(FLOOR, server, database)


def _uvicorn(name: str, health_path: str):
    def start(dataset: Dataset, logs: Path, workers: int) -> Running:
        database = dataset.copy_for(f"{name}{workers}", project=False)
        port = free_port()
        command = [
            str(peer_venv.UVICORN),
            f"{MODULES[name]}:app",
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
        log = _log(logs, name, dataset, workers)
        env = server_env(database)
        server = start_server(command, log, env=env, port=port, health_path=health_path)
        return Running(name, server, database)

    return start


def _ninja(name: str, health_path: str):
    def start(dataset: Dataset, logs: Path, workers: int) -> Running:
        database = dataset.copy_for(f"{name}{workers}", project=False)
        port = free_port()
        command = [
            str(peer_venv.GUNICORN),
            f"{MODULES[name]}.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
        ]
        env = server_env(database, DJANGO_SETTINGS_MODULE=f"{MODULES[name]}.settings")
        log = _log(logs, name, dataset, workers)
        # Started from its own folder: gunicorn would read the project's gunicorn.conf.py.
        server = start_server(
            command, log, env=env, port=port, health_path=health_path, cwd=PEERS_DIR
        )
        return Running(name, server, database)

    return start


# Each peer's module in benchmarks/peers/.
MODULES = {
    FASTAPI: "fastapi_heroes",
    FASTAPI_MATCHED: "fastapi_matched",
    NINJA: "ninja_heroes",
    NINJA_MATCHED: "ninja_matched",
}
_STARTERS = {
    PROJECT: start_project,
    PROXY: _proxy,
    FLOOR: _floor,
    FASTAPI: _uvicorn(FASTAPI, "/docs"),
    FASTAPI_MATCHED: _uvicorn(FASTAPI_MATCHED, "/heroes/?limit=1"),
    NINJA: _ninja(NINJA, "/docs"),
    NINJA_MATCHED: _ninja(NINJA_MATCHED, "/heroes/?limit=1"),
}


@contextmanager
def serve(
    dataset: Dataset, logs: Path, names: list[str], *, production: bool = False
) -> Iterator[dict[str, Running]]:
    """Starts the servers, each on a fresh copy of the dataset, with one worker each (or
    with `production_workers`), and stops them afterwards, whatever happens."""
    with ExitStack() as stack:
        running = {}
        for name in names:
            workers = production_workers(name) if production else 1
            running[name] = start = _STARTERS[name](dataset, logs, workers)
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
