"""Metrics summed over two gunicorn workers, and JSON log lines that carry request ids."""

import json
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

from prometheus_client.parser import text_string_to_metric_families

from benchmarks.servers import create_user, gunicorn, sqlite_url
from tests.system.clients import HttpClient
from tests.system.served import logged

REQUESTS_PER_KIND = 40


def _traffic(url: str, token: str) -> list[tuple[str, int, str]]:
    """Concurrent requests of four kinds; (kind, status, request id) of each."""
    kinds = {
        "list": ("GET", "/heroes/?limit=5", None, {}),
        "missing": ("GET", "/heroes/999999/", None, {}),
        "create": (
            "POST",
            "/heroes/",
            {"name": "Deadpond", "secret_name": "Dive Wilson"},
            {"Authorization": f"Token {token}"},
        ),
        "anonymous create": ("POST", "/heroes/", {"name": "x", "secret_name": "y"}, {}),
    }

    def send(kind: str) -> tuple[str, int, str]:
        method, path, body, headers = kinds[kind]
        reply = HttpClient(url).request(method, path, body, headers)
        return kind, reply.status, reply.headers["x-request-id"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(send, [kind for kind in kinds for _ in range(REQUESTS_PER_KIND)]))


def _access_lines(log: str) -> dict[str, dict]:
    """gunicorn's JSON access lines in the log, by request id."""
    lines = (json.loads(line) for line in log.splitlines() if line.startswith("{"))
    return {line["request_id"]: line for line in lines if line["logger"] == "gunicorn.access"}


def test_metrics_sum_over_workers_and_logs_are_json(tmp_path):
    database_url = sqlite_url(tmp_path / "db.sqlite3")
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_99.db").write_bytes(b"left by an earlier run")

    with gunicorn(
        database_url,
        tmp_path / "gunicorn.log",
        workers=2,
        DJANGO_LOG_FORMAT="json",
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
    ) as server:
        token = create_user(database_url, "writer", "pw", permissions=("add_hero",))
        sent = _traffic(server.url, token)
        scrape = HttpClient(server.url).request("GET", "/metrics/")
        # gunicorn writes each access line after its response: wait for every request's.
        ids = {request_id for _, _, request_id in sent}
        log = logged(
            server,
            lambda log: ids <= _access_lines(log).keys(),
            what=f"access lines of all {len(ids)} requests",
        )

    assert scrape.status == HTTPStatus.OK
    counts = {
        (s.labels["route"], s.labels["method"], s.labels["status"]): s.value
        for family in text_string_to_metric_families(scrape.body.decode())
        for s in family.samples
        if s.name == "heroes_http_request_duration_seconds_count"
    }
    statuses = sorted({(kind, status) for kind, status, _ in sent})
    assert statuses == [
        ("anonymous create", 401),
        ("create", 201),
        ("list", 200),
        ("missing", 404),
    ]
    # /livez, polled while gunicorn started, is counted too; everything else is the traffic.
    assert counts.pop(("livez/", "GET", "200")) >= 1
    assert counts == {
        ("heroes/", "GET", "200"): REQUESTS_PER_KIND,
        ("heroes/<pk>/", "GET", "404"): REQUESTS_PER_KIND,
        ("heroes/", "POST", "201"): REQUESTS_PER_KIND,
        ("heroes/", "POST", "401"): REQUESTS_PER_KIND,
    }
    # Both workers served some of it, each writing its own file; the stale file is gone.
    assert len(list(metrics_dir.glob("histogram_*.db"))) == 2
    assert not (metrics_dir / "counter_99.db").exists()

    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert len(lines) == len(log.splitlines())  # every line is a JSON object
    access = _access_lines(log)
    for _kind, status, request_id in sent:
        assert access[request_id]["status"] == status
    warnings = [line for line in lines if line["logger"] == "django.request"]
    assert {line["message"] for line in warnings} >= {"Not Found: /heroes/999999/"}
    assert all(line["request_id"] in access for line in warnings)


def test_metrics_directory_of_its_own_is_removed_when_gunicorn_stops(tmp_path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()

    with gunicorn(
        sqlite_url(tmp_path / "db.sqlite3"), tmp_path / "gunicorn.log", TMPDIR=str(temporary)
    ) as server:
        HttpClient(server.url).request("GET", "/heroes/")
        (metrics_dir,) = temporary.glob("heroes-metrics-*")
        files_while_serving = sorted(path.name.split("_")[0] for path in metrics_dir.iterdir())

    assert "histogram" in files_while_serving
    assert list(temporary.iterdir()) == []


def test_recycled_workers_carry_on_their_slot_s_counts(tmp_path):
    database_url = sqlite_url(tmp_path / "db.sqlite3")
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()

    with gunicorn(
        database_url,
        tmp_path / "gunicorn.log",
        workers=2,
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
        GUNICORN_CMD_ARGS="--max-requests 5 --max-requests-jitter 0",
    ) as server:
        for _ in range(60):
            HttpClient(server.url).request("GET", "/heroes/?limit=1")
        scrape = HttpClient(server.url).request("GET", "/metrics/")
        log = server.log()

    counts = [
        s.value
        for family in text_string_to_metric_families(scrape.body.decode())
        for s in family.samples
        if s.name == "heroes_http_request_duration_seconds_count" and s.labels["route"] == "heroes/"
    ]
    assert counts == [60]
    # Workers were recycled a dozen times, yet two slots hold every count.
    assert log.count("Autorestarting worker") >= 10
    assert sorted(path.name for path in metrics_dir.glob("histogram_*.db")) == [
        "histogram_0.db",
        "histogram_1.db",
    ]
