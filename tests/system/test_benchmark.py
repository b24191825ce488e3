"""The benchmark harness runs end to end (a smoke run); speed itself is never asserted."""

import json
import subprocess
import sys

from benchmarks.endpoints import ADMIN_ENDPOINTS, ENDPOINTS
from benchmarks.lineup import production_workers
from benchmarks.servers import BASE_DIR

SMOKE_ROWS = ("300", "600")
PEERS = {"project", "fastapi", "ninja", "floor"}
WRITERS = {"project", "fastapi", "ninja"}


def _servers_of(endpoint) -> set[str]:
    # The floor only reads, and has no ETags to revalidate.
    return PEERS if endpoint.reads and not endpoint.revalidates else WRITERS


def _assert_measured(cell: dict) -> None:
    assert cell["requests"] > 0
    assert cell["errors"] == 0
    assert cell["cpu_seconds"] >= 0


def test_benchmark_smoke_run_writes_the_report(tmp_path):
    out, work = tmp_path / "out", tmp_path / "work"

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--smoke",
            "--out",
            str(out),
            "--workdir",
            str(work),
            # One serving candidate: enough to prove the harness, half the run of all of them.
            "--servers",
            "project,fastapi,ninja,floor,gunicorn",
        ],
        # PostgreSQL: the server `make test` started (TEST_POSTGRES_URL).
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=1800,
    )

    assert result.returncode == 0, result.stderr[-5000:]
    figures = json.loads((out / "benchmarks.json").read_text())
    assert sorted(figures["databases"]) == ["postgres", "sqlite"]
    for kind, database in figures["databases"].items():
        assert sorted(database["datasets"]) == sorted(SMOKE_ROWS)
        for rows in SMOKE_ROWS:
            data = database["datasets"][rows]
            assert data["count_exact"]
            assert data["api_count"] == data["db_count"] >= int(rows) // 2
            # The serving candidate runs beside the smallest SQLite table only.
            candidates = {"gunicorn"} if (kind, rows) == ("sqlite", SMOKE_ROWS[0]) else set()
            for endpoint in ENDPOINTS:
                servers = data["endpoints"][endpoint.key]
                assert set(servers) == _servers_of(endpoint) | candidates, endpoint.key
                for cell in servers.values():
                    _assert_measured(cell)
            for key in ADMIN_ENDPOINTS:
                assert set(data["admin"][key]) == {"project", "ninja"}
                for cell in data["admin"][key].values():
                    _assert_measured(cell)
            assert {name for name, memory in data["memory"].items() if memory["rss_kib"]} == (
                PEERS | candidates
            )
        load = database["load"]
        assert load["connections"] == 16
        for endpoint in ENDPOINTS:
            servers = load["endpoints"][endpoint.key]
            assert set(servers) == _servers_of(endpoint), endpoint.key
            for cell in servers.values():
                _assert_measured(cell)
                assert 0 < min(cell["latency_us"]["p50"]) <= max(cell["latency_us"]["p99"])
        for name in PEERS:
            assert len(load["memory"][name]["rss_kib"]) == production_workers(name)
            assert min(load["memory"][name]["rss_kib"]) > 0
    slow = figures["databases"]["sqlite"]["datasets"][SMOKE_ROWS[0]]["slow_clients"]
    assert set(slow) == {"project", "gunicorn"}
    assert all(outcome["requests"] > 0 for outcome in slow.values())
    goals = figures["goals"]
    assert {goal["database"] for goal in goals} == {"SQLite", "PostgreSQL"}
    assert all(isinstance(goal["met"], bool) for goal in goals)
    assert all(goal["met"] for goal in goals if goal["goal"].startswith("count exact"))
    report = (out / "benchmarks.md").read_text()
    for section in (
        "## SQLite, 300 heroes, one connection",
        "## PostgreSQL, 600 heroes, one connection",
        "## PostgreSQL, 300 heroes, 16 connections",
        "## SQLite: resident memory per worker",
        "## SQLite: serving candidates, CPU per request / FastAPI's",
    ):
        assert section in report
    for endpoint in ENDPOINTS:
        assert f"| {endpoint.title} |" in report
    assert "![CPU per request and p99 latency](benchmarks.png)" in report
    assert (out / "benchmarks.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "project/ninja" in result.stdout
    assert "goals met." in result.stdout
