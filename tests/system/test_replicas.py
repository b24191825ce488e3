"""Reads on a streaming standby, read-your-writes, and failover (heroes.replicas).

A real primary and a real standby that replays each commit 500 ms late
(tests/system/replication.py), and two app servers that list both in DATABASE_URL and
DATABASE_REPLICA_URL; app server B runs with the speed layer off. The app servers use
PostgreSQL whatever the pass, so this runs once, in the PostgreSQL pass (Makefile).
"""

import time
from collections import Counter
from http import HTTPStatus

import pytest

from benchmarks.servers import create_user, manage, start_gunicorn, stop
from tests.system.clients import HttpClient
from tests.system.figures import record_figures
from tests.system.replication import primary_and_standby, table_scans

PASSWORD = "correct horse battery staple"
# A short wait for a connection, so that a stopped server costs the tests little time.
POOL = {"DJANGO_DB_POOL_TIMEOUT": "2"}
# Measured here, cited by docs/operations/replicas.md: artifacts/reliability/replicas.json.
FIGURES: dict[str, dict] = {}


@pytest.fixture(scope="module", autouse=True)
def _figures():
    yield
    record_figures("replicas", FIGURES)


def app_servers(cluster, logs, **extra):
    """Migrates through the primary, creates a writer, starts A and B; returns (A, B, token).

    A's DATABASE_REPLICA_URL lists the standby, then the primary (libpq falls back to it);
    B's lists the standby alone, so that only the app moves B's reads to the primary.
    """
    manage(cluster.database_url, "migrate", "--noinput", "-v0")
    token = create_user(
        cluster.database_url,
        "writer",
        PASSWORD,
        permissions=("add_hero", "change_hero", "delete_hero"),
    )
    env = {**POOL, **extra}
    a = start_gunicorn(
        cluster.database_url,
        logs / "a.log",
        workers=2,
        DATABASE_REPLICA_URL=cluster.replica_url,
        **env,
    )
    try:
        b = start_gunicorn(
            cluster.database_url,
            logs / "b.log",
            workers=2,
            HEROES_SPEED="0",
            DATABASE_REPLICA_URL=cluster.standby.url,
            **env,
        )
    except BaseException:
        stop(a.process)
        raise
    return a, b, token


@pytest.fixture(scope="module")
def replicated(tmp_path_factory):
    """A primary, its lagging standby, app servers A and B, and the writer's token."""
    logs = tmp_path_factory.mktemp("replicas")
    with primary_and_standby() as cluster:
        a, b, token = app_servers(cluster, logs)
        try:
            yield cluster, a, b, token
        finally:
            stop(a.process)
            stop(b.process)
    for server in (a, b):
        assert "Traceback" not in server.log()


def create(client: HttpClient, name: str) -> dict:
    reply = client.request("POST", "/heroes/", {"name": name, "secret_name": "s", "age": 1})
    assert reply.status == HTTPStatus.CREATED, reply.text
    return reply.json()


def test_anonymous_reads_run_on_the_healthy_standby(replicated):
    cluster, a, b, token = replicated
    hero = create(HttpClient(a.url, token=token), "Read me")
    cluster.wait_replayed()
    # Every worker's lag measurement is newer than the last write. First in the module: no
    # earlier test's statements wait to be counted in the primary's statistics.
    time.sleep(1.5)
    before = table_scans(cluster.standby), table_scans(cluster.primary)

    statuses = Counter()
    for i in range(200):
        client = HttpClient((a, b)[i % 2].url)
        path = f"/heroes/{hero['id']}/" if i % 4 < 2 else "/heroes/?limit=5"
        statuses[client.request("GET", path).status] += 1
    # Each backend sends its statistics within seconds of its last statement.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        on_standby = table_scans(cluster.standby) - before[0]
        if on_standby >= 200:
            break
        time.sleep(0.5)
    on_primary = table_scans(cluster.primary) - before[1]

    FIGURES["anonymous_reads"] = {"reads": 200, "scans_on_standby": on_standby,
                                  "scans_on_primary": on_primary}  # fmt: skip
    assert statuses == {HTTPStatus.OK: 200}
    # Each read scans the heroes at least once; at least 90% of them did so on the standby.
    assert on_standby >= 200 * 0.9, (on_standby, on_primary)
    assert on_primary <= 200 * 0.1


def test_writer_reads_its_own_writes_on_the_other_server_while_the_standby_lags(replicated):
    _, a, b, token = replicated
    servers = [HttpClient(a.url, token=token), HttpClient(b.url, token=token)]
    anonymous = [HttpClient(a.url), HttpClient(b.url)]
    stale, stale_anonymous, pairs = [], 0, 0
    for i in range(100):  # create, update and delete: three write-then-read pairs each
        writer, reader = servers[i % 2], servers[(i + 1) % 2]
        onlooker = anonymous[(i + 1) % 2]
        hero = create(writer, f"Fresh {i}")
        path = f"/heroes/{hero['id']}/"
        reads = [(reader.request("GET", path), HTTPStatus.OK, 1)]
        stale_anonymous += onlooker.request("GET", path).status == HTTPStatus.NOT_FOUND
        assert writer.request("PATCH", path, {"age": 2}).status == HTTPStatus.OK
        reads.append((reader.request("GET", path), HTTPStatus.OK, 2))
        assert writer.request("DELETE", path).status == HTTPStatus.NO_CONTENT
        reads.append((reader.request("GET", path), HTTPStatus.NOT_FOUND, None))
        for reply, status, age in reads:
            pairs += 1
            seen = reply.json().get("age") if reply.status == HTTPStatus.OK else None
            if (reply.status, seen) != (status, age):
                stale.append((i, reply.status, seen))

    FIGURES["read_your_writes"] = {
        "pairs": pairs,
        "stale_for_the_writer": len(stale),
        "stale_for_anonymous_readers": stale_anonymous,
    }
    assert pairs == 300
    assert stale == []
    # The standby really lags: anonymous readers, who read from it, missed some new heroes.
    assert stale_anonymous > 0


def test_readyz_names_both_databases_ready(replicated):
    _, a, _, _ = replicated
    reply = HttpClient(a.url).request("GET", "/readyz")

    assert reply.status == HTTPStatus.OK
    assert reply.json() == {
        "status": "ready",
        "databases": {
            "primary": {"status": "ready"},
            "replica": {"status": "ready", "server": "standby"},
        },
    }


def test_standby_stopped_reads_move_to_the_primary_without_5xx(replicated):
    cluster, a, b, token = replicated
    hero = create(HttpClient(a.url, token=token), "Still here")
    cluster.wait_replayed()
    time.sleep(1.5)
    paths = [f"/heroes/{hero['id']}/", "/heroes/?limit=5", "/heroes/?age__gte=0&age__lte=3"]
    cluster.standby.stop()
    try:
        replies = [HttpClient((a, b)[i % 2].url).request("GET", paths[i % 3]) for i in range(120)]
        readiness = [HttpClient(server.url).request("GET", "/readyz") for server in (a, b)]
    finally:
        cluster.standby.start()

    assert Counter(reply.status for reply in replies) == {HTTPStatus.OK: 120}
    assert [reply.status for reply in readiness] == [HTTPStatus.OK] * 2
    on_a, on_b = (reply.json()["databases"] for reply in readiness)
    assert on_a["primary"] == on_b["primary"] == {"status": "ready"}
    # A's replica URL lists the primary too: its replica connection fell back to it.
    assert on_a["replica"] == {"status": "ready", "server": "primary"}
    assert on_b["replica"]["status"] == "unavailable"


def test_primary_stopped_then_standby_promoted_takes_the_writes(tmp_path):
    with primary_and_standby() as cluster:
        a, b, token = app_servers(cluster, tmp_path)
        try:
            writers = [HttpClient(a.url, token=token), HttpClient(b.url, token=token)]
            acknowledged = [create(writers[i % 2], f"Kept {i}")["id"] for i in range(40)]
            cluster.wait_replayed()
            time.sleep(1.5)
            # Acknowledged right before the stop, with no wait for the standby to replay them.
            acknowledged += [create(writers[i % 2], f"Last {i}")["id"] for i in range(5)]

            cluster.primary.stop()  # a clean stop: pg_ctl -m fast

            reads = [
                HttpClient((a, b)[i % 2].url).request("GET", f"/heroes/{acknowledged[i]}/")
                for i in range(20)
            ]
            writes = [
                writer.request("POST", "/heroes/", {"name": "Lost", "secret_name": "s"})
                for writer in writers
            ]
            readiness = HttpClient(a.url).request("GET", "/readyz")

            cluster.promote()
            promoted_at = time.monotonic()
            took = {}
            while len(took) < 2 and time.monotonic() - promoted_at < 60:
                for name, writer in zip("ab", writers, strict=True):
                    if name not in took:
                        reply = writer.request(
                            "POST", "/heroes/", {"name": "New", "secret_name": "s"}
                        )
                        if reply.status == HTTPStatus.CREATED:
                            took[name] = time.monotonic() - promoted_at
                time.sleep(0.2)
            kept = [writers[0].request("GET", f"/heroes/{pk}/").status for pk in acknowledged]
        finally:
            stop(a.process)
            stop(b.process)

    FIGURES["promotion"] = {
        "seconds_to_first_write": {name: round(seconds, 1) for name, seconds in took.items()},
        "acknowledged_writes": len(acknowledged),
        "kept": kept.count(HTTPStatus.OK),
    }
    assert Counter(reply.status for reply in reads) == {HTTPStatus.OK: 20}
    for reply in writes:
        assert reply.status == HTTPStatus.SERVICE_UNAVAILABLE, reply.text
        assert reply.headers["content-type"] == "application/json"
        assert reply.headers["retry-after"] == "5"
        assert reply.json()["detail"].endswith("Try again in 5 seconds.")
    assert readiness.status == HTTPStatus.OK
    assert readiness.json()["status"] == "read-only"
    assert readiness.json()["databases"]["primary"]["status"] == "unavailable"
    assert readiness.json()["databases"]["replica"] == {"status": "ready", "server": "standby"}
    assert sorted(took) == ["a", "b"], took
    assert max(took.values()) <= 30, took
    assert kept == [HTTPStatus.OK] * len(acknowledged)
    for server in (a, b):
        assert "Traceback" not in server.log()
