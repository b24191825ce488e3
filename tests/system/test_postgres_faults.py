"""PostgreSQL faults while gunicorn serves: a server that stops, too few connection slots,
a read-only or never migrated database.

The first two run a PostgreSQL server of their own (tests/system/postgres.py), so that they
can stop it or give it fewer connection slots than gunicorn has workers. Every answer must be
a 200/201 or a JSON 503 with Retry-After, never a 500, and the log must hold no traceback.
Figures: artifacts/reliability/postgres_faults.json.
"""

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql

from benchmarks.servers import create_user, manage, start_gunicorn, stop
from tests.system.clients import HttpClient, Reply
from tests.system.faults import assert_not_ready, assert_unavailable
from tests.system.figures import record_figures
from tests.system.postgres import dedicated_server, postgres_database

FIGURES: dict[str, dict] = {}
HERO = {"name": "Deadpond", "secret_name": "Dive Wilson"}
# The pool's wait for a connection: short, so that the tests spend little time waiting.
POOL = {"DJANGO_DB_POOL_TIMEOUT": "2"}
DOWN_OR_FULL = "No database connection could be had in time: the database is down or full."


@pytest.fixture(scope="module", autouse=True)
def _figures():
    yield
    record_figures("postgres_faults", FIGURES)


def hero_count(admin_url: str) -> int:
    with psycopg.connect(admin_url) as connection:
        return connection.execute("SELECT count(*) FROM heroes_hero").fetchone()[0]


def prepared(server) -> str:
    """Migrates the server's database, creates a writer, and returns the writer's token."""
    manage(server.url, "migrate", "--noinput", "-v0")
    return create_user(server.url, "writer", "correct horse", permissions=("add_hero",))


def test_stopped_server_answers_503_then_recovers(tmp_path):
    with dedicated_server() as database:
        token = prepared(database)
        # One worker: ready means that the worker which answers next is ready.
        app = start_gunicorn(database.url, tmp_path / "server.log", workers=1, **POOL)
        try:
            client = HttpClient(app.url, token=token)
            assert client.request("POST", "/heroes/", HERO).status == HTTPStatus.CREATED

            database.stop()

            assert client.request("GET", "/livez").status == HTTPStatus.OK
            readiness = client.request("GET", "/readyz")
            replies = [
                client.request(*request)
                for request in [("GET", "/heroes/"), ("GET", "/heroes/1/")] * 2
                + [("POST", "/heroes/", HERO)] * 2
            ]

            database.start()

            started = time.monotonic()
            for _ in range(120):  # the pool retries with a growing delay
                if client.request("GET", "/readyz").status == HTTPStatus.OK:
                    break
                time.sleep(0.5)
            recovery = time.monotonic() - started
            after = [client.request("GET", "/heroes/1/"), client.request("POST", "/heroes/", HERO)]
        finally:
            stop(app.process)
        stored = hero_count(database.admin_url)

    assert readiness.status == HTTPStatus.SERVICE_UNAVAILABLE
    assert readiness.json()["detail"] in {DOWN_OR_FULL, "The database is unavailable."}
    for reply in replies:
        assert reply.status == HTTPStatus.SERVICE_UNAVAILABLE
        assert reply.headers["retry-after"] == "5"
        assert reply.json()["detail"] in {
            f"{reason} Try again in 5 seconds."
            for reason in (DOWN_OR_FULL, "The database is unavailable.")
        }
    assert [reply.status for reply in after] == [HTTPStatus.OK, HTTPStatus.CREATED]
    assert stored == 2  # before and after the outage; nothing from the writes refused
    assert "Traceback" not in app.log()
    FIGURES["stopped"] = {
        "answers_503": len(replies),
        "readyz": readiness.json()["detail"],
        "seconds_to_ready_after_restart": round(recovery, 1),
    }


def test_fewer_connection_slots_than_workers_answer_200_or_503(tmp_path):
    workers, slots, clients = 8, 5, 16
    # Each client sends at least the first number of requests, and goes on (up to the
    # second) until some worker without a slot has answered: workers still starting when
    # the load begins take no requests until they are up.
    least, most = 10, 60
    starved = threading.Event()
    # Superusers keep 3 slots of their own; the service's role gets the other 5.
    with dedicated_server(
        f"-c max_connections={slots + 3}", "-c superuser_reserved_connections=3"
    ) as database:
        token = prepared(database)
        app = start_gunicorn(database.url, tmp_path / "server.log", workers=workers, **POOL)

        def client_run(number: int) -> list[Reply]:
            client = HttpClient(app.url, token=token)
            replies = []
            for round_ in range(most):
                if round_ >= least and starved.is_set():
                    break
                if round_ % 2:
                    body = {"name": f"Hero {number}-{round_}", "secret_name": "s"}
                    replies.append(client.request("POST", "/heroes/", body))
                else:
                    replies.append(client.request("GET", "/heroes/?limit=5"))
                if replies[-1].status == HTTPStatus.SERVICE_UNAVAILABLE:
                    starved.set()
            client.close()
            return replies

        try:
            with ThreadPoolExecutor(clients) as pool:
                replies = [reply for run in pool.map(client_run, range(clients)) for reply in run]
        finally:
            stop(app.process)
        stored = hero_count(database.admin_url)

    statuses = Counter(reply.status for reply in replies)
    assert set(statuses) <= {HTTPStatus.OK, HTTPStatus.CREATED, HTTPStatus.SERVICE_UNAVAILABLE}
    assert statuses[HTTPStatus.OK]
    assert statuses[HTTPStatus.CREATED]
    assert statuses[HTTPStatus.SERVICE_UNAVAILABLE]  # the workers left without a slot
    for reply in replies:
        if reply.status == HTTPStatus.SERVICE_UNAVAILABLE:
            assert_unavailable(reply, DOWN_OR_FULL)
    assert stored == statuses[HTTPStatus.CREATED]
    log = app.log()
    assert "Traceback" not in log
    assert "Internal Server Error" not in log
    FIGURES["few_slots"] = {
        "workers": workers,
        "slots": slots,
        "clients": clients,
        "requests": len(replies),
        "statuses": {int(status): count for status, count in sorted(statuses.items())},
        "stored": stored,
    }


def test_read_only_database_answers_reads_and_503_for_writes(tmp_path):
    with postgres_database() as url:
        manage(url, "migrate", "--noinput", "-v0")
        token = create_user(url, "writer", "correct horse", permissions=("add_hero",))
        name = sql.Identifier(urlsplit(url).path.lstrip("/"))
        with psycopg.connect(url, autocommit=True) as connection:
            # As on a standby, or a database an operator made read-only.
            connection.execute(
                sql.SQL("ALTER DATABASE {} SET default_transaction_read_only = on").format(name)
            )
        app = start_gunicorn(url, tmp_path / "server.log", workers=2, **POOL)
        try:
            client = HttpClient(app.url, token=token)
            readiness = client.request("GET", "/readyz")
            reads = [client.request("GET", "/heroes/") for _ in range(2)]
            writes = [client.request("POST", "/heroes/", HERO) for _ in range(2)]
        finally:
            stop(app.process)
        with psycopg.connect(url) as connection:
            stored = connection.execute("SELECT count(*) FROM heroes_hero").fetchone()[0]

    assert_not_ready(readiness, "The database is read-only.")
    assert [reply.status for reply in reads] == [HTTPStatus.OK] * 2
    for reply in writes:
        assert_unavailable(reply, "The database is read-only.")
    assert stored == 0
    assert "Traceback" not in app.log()
    FIGURES["read_only"] = {"reads_200": len(reads), "writes_503": len(writes)}


def test_database_never_migrated_is_not_ready(tmp_path):
    with postgres_database() as url:
        app = start_gunicorn(url, tmp_path / "server.log", workers=1)
        try:
            readiness = HttpClient(app.url).request("GET", "/readyz")
        finally:
            stop(app.process)

    assert readiness.status == HTTPStatus.SERVICE_UNAVAILABLE
    assert readiness.json()["detail"].startswith("The database is not migrated: no table ")
    FIGURES["never_migrated"] = {"readyz": readiness.json()["detail"][:60] + "..."}
