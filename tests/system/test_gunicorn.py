"""gunicorn.conf.py: settings from the environment, and a graceful stop on SIGTERM."""

import json
import os
import runpy
import signal
import socket
import sqlite3
import tempfile
import time
from http import HTTPStatus
from urllib.parse import urlsplit

from django.conf import settings

from benchmarks.servers import create_user, gunicorn, sqlite_url

CONFIG = settings.BASE_DIR / "gunicorn.conf.py"
ENV_NAMES = (
    "PORT",
    "GUNICORN_BIND",
    "WEB_CONCURRENCY",
    "GUNICORN_TIMEOUT",
    "GUNICORN_ACCESSLOG",
    "GUNICORN_CONTROL_SOCKET",
    "PROMETHEUS_MULTIPROC_DIR",
    "HEROES_METRICS_DIR_IS_OURS",
    "DJANGO_LOG_FORMAT",
    "GUNICORN_LOGLEVEL",
)


def _config(monkeypatch, tmp_path, **env: str) -> dict:
    # The configuration writes to os.environ (the metrics directory): give it a copy, and
    # its temporary directory under tmp_path.
    monkeypatch.setattr(os, "environ", os.environ.copy())
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_gunicorn_config_defaults(monkeypatch, tmp_path):
    config = _config(monkeypatch, tmp_path)

    assert config["wsgi_app"] == "heroproject.wsgi:application"
    assert config["bind"] == "127.0.0.1:8000"
    assert config["workers"] == len(os.sched_getaffinity(0)) * 2 + 1
    assert config["accesslog"] == "-"  # stdout
    assert config["timeout"] == 30
    assert config["graceful_timeout"] == 30
    assert config["secure_scheme_headers"] == {}
    assert config["control_socket_disable"] is True


def test_gunicorn_config_reads_the_environment(monkeypatch, tmp_path):
    config = _config(monkeypatch, tmp_path, PORT="9001", WEB_CONCURRENCY="3", GUNICORN_TIMEOUT="60")

    assert config["bind"] == "127.0.0.1:9001"
    assert config["workers"] == 3
    assert config["timeout"] == 60


def test_gunicorn_control_socket_only_with_a_path_of_its_own(monkeypatch, tmp_path):
    config = _config(monkeypatch, tmp_path, GUNICORN_CONTROL_SOCKET=str(tmp_path / "a.ctl"))

    assert config["control_socket"] == str(tmp_path / "a.ctl")
    assert "control_socket_disable" not in config


def test_gunicorn_bind_overrides_port(monkeypatch, tmp_path):
    config = _config(monkeypatch, tmp_path, PORT="9001", GUNICORN_BIND="0.0.0.0:8080")

    assert config["bind"] == "0.0.0.0:8080"


def test_gunicorn_config_makes_a_metrics_directory_of_its_own(monkeypatch, tmp_path):
    _config(monkeypatch, tmp_path)["on_starting"](None)

    (made,) = tmp_path.glob("heroes-metrics-*")
    assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == str(made)
    assert os.environ["HEROES_METRICS_DIR_IS_OURS"] == "1"


def test_gunicorn_config_empties_the_metrics_directory_it_is_given(monkeypatch, tmp_path):
    given = tmp_path / "metrics"
    given.mkdir()
    (given / "counter_123.db").write_bytes(b"from an earlier run")
    (given / "notes.txt").write_text("not a metrics file")

    _config(monkeypatch, tmp_path, PROMETHEUS_MULTIPROC_DIR=str(given))["on_starting"](None)

    assert sorted(path.name for path in given.iterdir()) == ["notes.txt"]
    assert "HEROES_METRICS_DIR_IS_OURS" not in os.environ
    assert list(tmp_path.glob("heroes-metrics-*")) == []


def test_gunicorn_config_loaded_again_leaves_the_metrics_alone(monkeypatch, tmp_path):
    # gunicorn reads the file again on SIGHUP: the workers' files must survive that.
    given = tmp_path / "metrics"
    given.mkdir()
    (given / "counter_0.db").write_bytes(b"live")

    _config(monkeypatch, tmp_path, PROMETHEUS_MULTIPROC_DIR=str(given))

    assert (given / "counter_0.db").exists()


def test_gunicorn_config_json_logs_keep_level_and_access_log(monkeypatch, tmp_path):
    config = _config(
        monkeypatch,
        tmp_path,
        DJANGO_LOG_FORMAT="json",
        GUNICORN_LOGLEVEL="warning",
        GUNICORN_ACCESSLOG=str(tmp_path / "access.log"),
    )

    loggers = config["logconfig_dict"]["loggers"]
    assert loggers["gunicorn.error"]["level"] == "WARNING"
    (access,) = loggers["gunicorn.access"]["handlers"]
    assert config["logconfig_dict"]["handlers"][access]["filename"] == str(tmp_path / "access.log")


def _send_partial_create(url: str, token: str, body: bytes, sent: int) -> socket.socket:
    """Opens a create request and sends only the first `sent` bytes of its body."""
    parts = urlsplit(url)
    client = socket.create_connection((parts.hostname, parts.port), timeout=30)
    head = (
        "POST /heroes/ HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{parts.port}\r\n"
        f"Authorization: Token {token}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    client.sendall(head.encode() + body[:sent])
    return client


def _read_response(client: socket.socket) -> tuple[int, dict]:
    data = b""
    while chunk := client.recv(65536):
        data += chunk
    head, _, payload = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(payload)


def test_sigterm_lets_an_in_flight_request_finish(tmp_path):
    database = tmp_path / "db.sqlite3"
    database_url = sqlite_url(database)
    body = json.dumps({"name": "Slow Upload", "secret_name": "Snail", "age": 7}).encode()

    with gunicorn(database_url, tmp_path / "gunicorn.log", workers=2) as server:
        token = create_user(database_url, "writer", "pw", permissions=("add_hero",))
        client = _send_partial_create(server.url, token, body, sent=10)
        with client:
            time.sleep(1)  # the worker is now waiting for the rest of the body
            server.process.send_signal(signal.SIGTERM)
            time.sleep(1)
            stopping = server.process.poll() is None
            client.sendall(body[10:])
            status, created = _read_response(client)
        exit_code = server.process.wait(timeout=30)

    with sqlite3.connect(database) as db:
        stored = db.execute("SELECT name, age, secret_name FROM heroes_hero").fetchall()
    log = server.log()
    assert stopping  # the master waited for the worker rather than exiting at once
    assert status == HTTPStatus.CREATED
    assert created == {"id": created["id"], "name": "Slow Upload", "age": 7}
    assert stored == [("Slow Upload", 7, "Snail")]
    assert exit_code == 0
    assert "Handling signal: term" in log
    assert '"POST /heroes/ HTTP/1.1" 201' in log
    assert "Shutting down: Master" in log
    assert "Control socket" not in log  # instances on one host must not share one
