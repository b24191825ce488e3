"""The benchmark harness runs end to end (a smoke run); speed itself is never asserted.

It measures SQLite and PostgreSQL itself, so `make test` runs it once: the SQLite pass
deselects it (the Makefile's pytest-sqlite).
"""

import json
import subprocess
import sys

from benchmarks.ablation import MODULES, WHOLE
from benchmarks.endpoints import ADMIN_ENDPOINTS, ENDPOINTS, PROXY_ROWS
from benchmarks.lineup import WITH_ADMIN, production_workers
from benchmarks.servers import BASE_DIR

SMOKE_ROWS = ("300", "600")
PEERS = {"project", "fastapi_matched", "ninja_matched", "fastapi", "ninja", "floor"}
WRITERS = PEERS - {"floor"}
# The servers that count each write in the hero's version.
VERSIONED = {"project", "fastapi_matched", "ninja_matched"}


def _servers_of(endpoint, rows: str) -> set[str]:
    # The floor only reads, and has no ETags to revalidate; the proxy runs at the smallest
    # table on its own rows. A smoke run measures the larger table on the project alone.
    if rows == SMOKE_ROWS[1]:
        return {"project"}
    servers = PEERS if endpoint.reads and not endpoint.revalidates else WRITERS
    return servers | ({"proxy"} if endpoint.key in PROXY_ROWS and rows == SMOKE_ROWS[0] else set())


def _peers_of(rows: str) -> set[str]:
    return PEERS if rows == SMOKE_ROWS[0] else {"project"}


def _assert_measured(cell: dict) -> None:
    assert cell["requests"] > 0
    assert cell["errors"] == 0
    assert cell["cpu_seconds"] >= 0


def test_benchmark_smoke_run_writes_the_report(tmp_path):
    out, work = tmp_path / "out", tmp_path / "work"

    command = [sys.executable, "-m", "benchmarks.run", "--smoke", "--out", str(out)]
    result = subprocess.run(
        [*command, "--workdir", str(work)],
        # PostgreSQL: the server `make test` started (TEST_POSTGRES_URL).
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=1800,
    )

    assert result.returncode == 0, result.stderr[-5000:]
    figures = json.loads((out / "benchmarks.json").read_text())
    assert sorted(figures["databases"]) == ["postgres", "sqlite"]
    for database in figures["databases"].values():
        assert sorted(database["datasets"]) == sorted(SMOKE_ROWS)
        for rows in SMOKE_ROWS:
            data = database["datasets"][rows]
            assert data["count_exact"]
            assert data["api_count"] == data["db_count"] >= int(rows) // 2
            for endpoint in ENDPOINTS:
                servers = data["endpoints"][endpoint.key]
                assert set(servers) == _servers_of(endpoint, rows), endpoint.key
                for cell in servers.values():
                    _assert_measured(cell)
            proxy = data["endpoints"]["one"].get("proxy")
            if proxy:  # nginx's own CPU, apart from gunicorn's
                assert proxy["apart_cpu_seconds"] > 0
            for key in ADMIN_ENDPOINTS:
                assert set(data["admin"][key]) == set(WITH_ADMIN) & _peers_of(rows)
                for cell in data["admin"][key].values():
                    _assert_measured(cell)
            measured = {name for name, memory in data["memory"].items() if memory["rss_kib"]}
            assert measured >= _peers_of(rows)
            # Every PUT and patch wrote: the hero's version grew by one per write (and by the
            # requests wrk cut off at the end of a run, which the server may have finished).
            writes = data["writes"]
            assert set(writes) == WRITERS & _peers_of(rows)
            for name in VERSIONED & _peers_of(rows):
                done = writes[name]
                assert done["requests"] > 0
                assert done["requests"] <= done["version_growth"]
                assert done["version_growth"] <= done["requests"] + done["wrk_runs"], name
                # ... and each wrote its history entry in the same transaction.
                assert done["history_growth"] == done["version_growth"], name
        ablation = database["ablation"]
        assert set(ablation["off"]) == {*MODULES, WHOLE}
        for module, rows in MODULES.items():
            assert set(ablation["off"][module]) == set(rows)
            for key in rows:
                _assert_measured(ablation["off"][module][key])
                _assert_measured(ablation["on"][key])
        load = database["load"]
        assert load["connections"] == 16
        for endpoint in ENDPOINTS:
            servers = load["endpoints"][endpoint.key]
            assert set(servers) == _servers_of(endpoint, ""), endpoint.key
            for cell in servers.values():
                _assert_measured(cell)
                assert 0 < min(cell["latency_us"]["p50"]) <= max(cell["latency_us"]["p99"])
        for name in PEERS:
            assert len(load["memory"][name]["rss_kib"]) == production_workers(name)
            assert min(load["memory"][name]["rss_kib"]) > 0
    goals = figures["goals"]
    assert {goal["database"] for goal in goals} == {"SQLite", "PostgreSQL"}
    assert all(isinstance(goal["met"], bool) for goal in goals)
    assert all(goal["met"] for goal in goals if goal["goal"].startswith("count exact"))
    for wanted in (
        "project / FastAPI same work CPU",
        "project / ninja same work CPU",
        "project / FastAPI tutorial CPU",
        "project / ninja tutorial CPU",
        "project / floor CPU",
        "p99 under 16 connections, project / FastAPI same work",
        "memory per worker, project / FastAPI same work",
        "project CPU 600 / 300 heroes",
    ):
        assert any(goal["goal"].startswith(wanted) for goal in goals), wanted
    report = (out / "benchmarks.md").read_text()
    for section in (
        "## Goals",
        "## What is left",
        "## SQLite, 300 heroes, one connection",
        "## PostgreSQL, 600 heroes, one connection",
        "## SQLite, 300 heroes: the proxy (nginx in front)",
        "## PostgreSQL, 300 heroes: ablation of heroes/speed",
        "## PostgreSQL, 300 heroes, 16 connections",
        "## SQLite: resident memory per worker",
    ):
        assert section in report
    assert "| met |" in report or "| NOT met |" in report
    for endpoint in ENDPOINTS:
        assert f"| {endpoint.title} |" in report
    for module in MODULES:
        assert f"| `{module}` |" in report
    assert f"| {WHOLE} |" in report
    assert "journal_mode=WAL" in report
    assert "![CPU per request and p99 latency](benchmarks.png)" in report
    assert (out / "benchmarks.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "project/ninja same work" in result.stdout
    assert "goals met." in result.stdout
