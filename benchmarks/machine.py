"""The machine, the versions and the settings of a run, and each server's SQLite pragmas."""

import ast
import importlib.metadata
import os
import platform
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.lineup import MODULES, PEERS_DIR, PROJECT, PROXY, SERVERS
from benchmarks.servers import BASE_DIR

PROJECT_PACKAGES = [
    "Django",
    "djangorestframework",
    "django-filter",
    "django-simple-history",
    "gunicorn",
    "orjson",
    "psycopg",
]
_PRAGMA = re.compile(r"PRAGMA\s+(\w+\s*=\s*\w+)", re.IGNORECASE)


def machine(peer_versions: dict[str, str], options, argv: list[str]) -> dict:
    """The machine, the versions and the settings of this run."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kib = int(Path("/proc/meminfo").read_text().split()[1])
    versions = {}
    for package in PROJECT_PACKAGES:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            continue
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kib / 2**20, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "wrk": (wrk.stdout or wrk.stderr).splitlines()[0].split(" [")[0],
        "project_versions": versions,
        "peer_versions": peer_versions,
        "command": " ".join(["python -m benchmarks.run", *argv]),
        "seconds": options.seconds,
        "rounds": options.rounds,
        "warmup": options.warmup,
        "admin_requests": options.admin_requests,
        "connections": options.connections,
        "ablation": options.ablation,
        "load_seconds": options.load_seconds,
        "python_executable": sys.executable,
    }


def _sources(name: str) -> list[Path]:
    """Where a server sets its SQLite pragmas: the project's settings and backend, or the
    peer's own module or package."""
    if name in (PROJECT, PROXY):
        return [
            BASE_DIR / "heroproject" / "settings.py",
            *(BASE_DIR / "heroes" / "portability").rglob("*.py"),
        ]
    module = MODULES.get(name, name)
    package = PEERS_DIR / module
    return sorted(package.rglob("*.py")) if package.is_dir() else [PEERS_DIR / f"{module}.py"]


def _pragmas_in(source: str) -> list[str]:
    """Pragmas written out ("PRAGMA name=value") and a module's SQLITE_PRAGMAS dict."""
    found = ["".join(match.split()) for match in _PRAGMA.findall(source)]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "SQLITE_PRAGMAS"
            for target in node.targets
        ):
            found += [f"{name}={value}" for name, value in ast.literal_eval(node.value).items()]
    return found


def sqlite_pragmas() -> dict[str, list[str]]:
    """The pragmas each server sets on its SQLite connections, read from its source."""
    found = {}
    for name in SERVERS:
        pragmas = []
        for path in _sources(name):
            if path.exists():
                pragmas += _pragmas_in(path.read_text())
        found[name] = sorted(set(pragmas))
    return found
