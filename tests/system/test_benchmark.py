"""The benchmark harness runs end to end (a smoke run); speed itself is never asserted."""

import json
import subprocess
import sys

from benchmarks.endpoints import ENDPOINTS
from benchmarks.servers import BASE_DIR

SMOKE_ROWS = ("300", "600")


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
            "project,fastapi,floor,gunicorn",
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=900,
    )

    assert result.returncode == 0, result.stderr[-5000:]
    figures = json.loads((out / "benchmarks.json").read_text())
    assert sorted(figures["datasets"]) == sorted(SMOKE_ROWS)
    for rows in SMOKE_ROWS:
        data = figures["datasets"][rows]
        assert data["count_exact"]
        assert data["api_count"] == data["db_count"] >= int(rows)
        # The serving candidate runs beside the smallest table only.
        candidates = {"gunicorn"} if rows == SMOKE_ROWS[0] else set()
        for endpoint in ENDPOINTS:
            servers = data["endpoints"][endpoint.key]
            floor = {"floor"} if endpoint.reads else set()
            expected = {"project", "fastapi"} | candidates | floor
            assert set(servers) == expected
            for cell in servers.values():
                assert cell["requests"] > 0
                assert cell["errors"] == 0
                assert cell["cpu_seconds"] >= 0
        assert {key for key, cell in data["admin"].items() if cell["requests"]} == {
            "admin",
            "admin_search",
        }
    slow = figures["datasets"][SMOKE_ROWS[0]]["slow_clients"]
    assert set(slow) == {"project", "gunicorn"}
    assert all(outcome["requests"] > 0 for outcome in slow.values())
    report = (out / "benchmarks.md").read_text()
    assert "## Serving" in report
    for endpoint in ENDPOINTS:
        assert f"| {endpoint.title} |" in report
    assert "![Server CPU per request](benchmarks.png)" in report
    assert (out / "benchmarks.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "project/FastAPI" in result.stdout
    assert "Goals" in result.stdout
