"""The servers under test, each one worker process on its own copy of the same file.

The project is served as `make run` serves it (nginx in front of gunicorn's sync worker).
The serving candidates serve the same project another way; they run only when asked for
(`--servers project,gunicorn,gthread`), to compare the CPU each way of serving costs.
"""

import json
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
from benchmarks.servers import (
    BASE_DIR,
    Server,
    free_port,
    server_env,
    sqlite_url,
    start_gunicorn,
    start_served,
    start_server,
    stop,
)

PROJECT, FASTAPI, FLOOR = "project", "fastapi", "floor"
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
    FLOOR: "bare WSGI floor (gunicorn)",
    GUNICORN_SYNC: "Django project, gunicorn sync alone",
    GUNICORN_GTHREAD: "Django project, gunicorn gthread alone",
    GUNICORN_GEVENT: "Django project, gunicorn gevent alone",
    GRANIAN: "Django project, granian alone",
    GRANIAN_BEHIND_NGINX: "Django project, nginx + granian (kept-alive Unix socket)",
}
# Worker recycling would restart Django mid-run and bill its start-up to the requests.
NO_RECYCLING = {"GUNICORN_MAX_REQUESTS": "0"}


@dataclass
class Running:
    """A server under test: its label, base URL, process group and database file."""

    name: str
    server: Server
    database: Path

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def pgid(self) -> int:
        return self.server.process.pid


def _project(dataset: Dataset, logs: Path) -> Running:
    database = dataset.copy_for(PROJECT)
    server = start_served(
        sqlite_url(database), logs / f"{PROJECT}-{dataset.rows}.log", workers=1, **NO_RECYCLING
    )
    return Running(PROJECT, server, database)


def _candidate(name: str) -> Callable[[Dataset, Path], Running]:
    def start(dataset: Dataset, logs: Path) -> Running:
        database = dataset.copy_for(name)
        log = logs / f"{name}-{dataset.rows}.log"
        env = {**NO_RECYCLING, **CANDIDATES[name]}
        return Running(name, start_gunicorn(sqlite_url(database), log, workers=1, **env), database)

    return start


def _floor(dataset: Dataset, logs: Path) -> Running:
    database = dataset.copy_for(FLOOR)
    server = start_gunicorn(
        sqlite_url(database),
        logs / f"{FLOOR}-{dataset.rows}.log",
        workers=1,
        app="benchmarks.peers.floor:application",
        **NO_RECYCLING,
    )
    return Running(FLOOR, server, database)


def _fastapi(dataset: Dataset, logs: Path) -> Running:
    database = dataset.copy_for(FASTAPI)
    port = free_port()
    command = [
        str(peer_venv.UVICORN),
        "fastapi_heroes:app",
        "--app-dir",
        str(BASE_DIR / "benchmarks" / "peers"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
    ]
    env = {**server_env(sqlite_url(database)), "HEROES_DB": str(database)}
    server = start_server(
        command, logs / f"{FASTAPI}-{dataset.rows}.log", env=env, port=port, health_path="/docs"
    )
    return Running(FASTAPI, server, database)


def _granian(dataset: Dataset, logs: Path) -> Running:
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
        "1",
        "--blocking-threads",
        "1",
        "--no-ws",
        "--access-log",
        "heroproject.wsgi:application",
    ]
    env = server_env(sqlite_url(database))
    server = start_server(command, logs / f"{GRANIAN}-{dataset.rows}.log", env=env, port=port)
    return Running(GRANIAN, server, database)


def _granian_behind_nginx(dataset: Dataset, logs: Path) -> Running:
    database = dataset.copy_for(GRANIAN_BEHIND_NGINX)
    port = free_port()
    run_dir = Path(tempfile.mkdtemp(prefix="heroes-bench-"))
    run_dir.chmod(0o755)  # nginx's workers run as nobody when started as root
    env = server_env(
        sqlite_url(database),
        PORT=str(port),
        HEROES_RUN_DIR=str(run_dir),
        GRANIAN=str(Path(sys.executable).with_name("granian")),
        WEB_CONCURRENCY="1",
    )
    server = start_server(
        [str(BASE_DIR / "benchmarks" / "granian_behind_nginx.sh")],
        logs / f"{GRANIAN_BEHIND_NGINX}-{dataset.rows}.log",
        env=env,
        port=port,
    )
    return Running(GRANIAN_BEHIND_NGINX, server, database)


_CANDIDATE_STARTERS = {GRANIAN: _granian, GRANIAN_BEHIND_NGINX: _granian_behind_nginx}


@contextmanager
def serve(
    dataset: Dataset, logs: Path, names: list[str] | None = None
) -> Iterator[dict[str, Running]]:
    """Starts the servers (all three by default) and stops them afterwards, whatever happens."""
    with ExitStack() as stack:
        running = {}
        starters = [(PROJECT, _project), (FASTAPI, _fastapi), (FLOOR, _floor)]
        starters += [(name, _CANDIDATE_STARTERS.get(name, _candidate(name))) for name in CANDIDATES]
        for name, start in starters:
            if names is not None and name not in names:
                continue
            running[name] = start(dataset, logs)
            stack.callback(stop, running[name].server.process)
        yield running


def admin_session_cookie(project: Running) -> str:
    """Logs in to the Django admin the way a browser does, and returns the Cookie header."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = f"{project.url}/admin/login/"
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
