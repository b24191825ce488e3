"""Figures into tables, ratios, goals, docs/benchmarks.md and the chart."""

import importlib.metadata
import json
import os
import platform
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.endpoints import ADMIN_ENDPOINTS, AGE_RANGE, ENDPOINTS
from benchmarks.lineup import CANDIDATES, FASTAPI, FLOOR, LABELS, PROJECT

HOT_SPOTS = Path(__file__).with_name("hot_spots.md")
TITLES = {endpoint.key: endpoint.title for endpoint in ENDPOINTS}
# (endpoint, most project / FastAPI CPU per request)
FASTAPI_GOALS = [("list", 0.5), ("one", 0.5), ("create", 0.6), ("patch", 0.6)]
# (endpoint, most project CPU per request at the largest / the smallest table)
SCALE_GOALS = [("list", 1.2), ("one", 1.2), ("name", 1.2), ("age", 1.5)]
ADMIN_SCALE_GOAL = 1.2
PROJECT_PACKAGES = [
    "Django",
    "djangorestframework",
    "django-filter",
    "gunicorn",
    "orjson",
]


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
        "python_executable": sys.executable,
    }


def cpu_us(cell: dict) -> float:
    return cell["cpu_seconds"] / cell["requests"] * 1e6


def rps(cell: dict) -> float:
    return cell["requests"] / cell["seconds"]


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _fmt_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _sizes(figures: dict) -> list[str]:
    return sorted(figures["datasets"], key=int)


def _cpu(figures: dict, rows: str, key: str, server: str) -> float | None:
    cell = figures["datasets"][rows]["endpoints"].get(key, {}).get(server)
    return cpu_us(cell) if cell else None


def _at_most(goal: str, value: float | None, most: float) -> dict:
    return {
        "goal": goal,
        "target": f"<= {most}",
        "value": _fmt_ratio(value),
        "met": value is not None and value <= most,
    }


def goals(figures: dict) -> list[dict]:
    """Each goal with its measured value and whether it is met."""
    sizes = _sizes(figures)
    found = []
    for key, most in FASTAPI_GOALS:
        for rows in sizes:
            value = _ratio(_cpu(figures, rows, key, PROJECT), _cpu(figures, rows, key, FASTAPI))
            goal = f"project / FastAPI CPU, {TITLES[key]}, {int(rows):,} heroes"
            found.append(_at_most(goal, value, most))
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        for key, most in SCALE_GOALS:
            value = _ratio(_cpu(figures, large, key, PROJECT), _cpu(figures, small, key, PROJECT))
            goal = f"project CPU {int(large):,} / {int(small):,} heroes, {TITLES[key]}"
            found.append(_at_most(goal, value, most))
        if _has_admin(figures):
            # "Stays fast at a million heroes": the admin pages cost what they cost at 10,000.
            for key, (title, _path) in ADMIN_ENDPOINTS.items():
                value = _ratio(
                    cpu_us(figures["datasets"][large]["admin"][key]),
                    cpu_us(figures["datasets"][small]["admin"][key]),
                )
                goal = f"{title} CPU {int(large):,} / {int(small):,} heroes"
                found.append(_at_most(goal, value, ADMIN_SCALE_GOAL))
    for rows in sizes:
        data = figures["datasets"][rows]
        found.append(
            {
                "goal": f"count exact after the run, {int(rows):,} heroes",
                "target": "API count = COUNT(*)",
                "value": f"{data['api_count']:,} = {data['db_count']:,}",
                "met": data["count_exact"],
            }
        )
    return found


def _table(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        for line in [header, *rows]
    )


def _cell(cell: dict | None) -> str:
    if not cell:
        return "-"
    return f"{cpu_us(cell):,.0f} µs, {rps(cell):,.0f}/s"


def dataset_table(figures: dict, rows: str, markdown: bool) -> str:
    data = figures["datasets"][rows]
    header = ["endpoint", "project", "FastAPI", "floor", "project/FastAPI", "project/floor"]
    lines = []
    for endpoint in ENDPOINTS:
        if endpoint.key not in data["endpoints"]:
            continue
        cells = data["endpoints"][endpoint.key]
        project = _cpu(figures, rows, endpoint.key, PROJECT)
        lines.append(
            [
                endpoint.title,
                _cell(cells.get(PROJECT)),
                _cell(cells.get(FASTAPI)),
                _cell(cells.get(FLOOR)),
                _fmt_ratio(_ratio(project, _cpu(figures, rows, endpoint.key, FASTAPI))),
                _fmt_ratio(_ratio(project, _cpu(figures, rows, endpoint.key, FLOOR))),
            ]
        )
    return _table(header, lines, markdown)


def scale_table(figures: dict, markdown: bool) -> str:
    sizes = _sizes(figures)
    small, large = sizes[0], sizes[-1]
    header = [
        "endpoint",
        f"project {int(small):,}",
        f"project {int(large):,}",
        "project ratio",
        "FastAPI ratio",
        "floor ratio",
    ]
    lines = []
    for endpoint in ENDPOINTS:
        if any(_cpu(figures, size, endpoint.key, PROJECT) is None for size in (small, large)):
            continue
        row = [endpoint.title]
        row += [f"{_cpu(figures, size, endpoint.key, PROJECT):,.0f} µs" for size in (small, large)]
        for server in (PROJECT, FASTAPI, FLOOR):
            value = _ratio(
                _cpu(figures, large, endpoint.key, server),
                _cpu(figures, small, endpoint.key, server),
            )
            row.append(_fmt_ratio(value))
        lines.append(row)
    return _table(header, lines, markdown)


def _slow(outcome: dict | None) -> str:
    if not outcome:
        return "-"
    if not outcome["answered"]:
        return f"0 of {outcome['requests']} answered"
    return (
        f"{outcome['answered']} of {outcome['requests']} answered,"
        f" max {outcome['max_seconds'] * 1e3:,.0f} ms"
    )


def serving_table(figures: dict, markdown: bool) -> str | None:
    """The project served each way, at the smallest table: CPU against FastAPI, slow clients."""
    rows = _sizes(figures)[0]
    data = figures["datasets"][rows]
    servings = [
        name
        for name in (PROJECT, *CANDIDATES)
        if any(name in cells for cells in data["endpoints"].values())
    ]
    if len(servings) < 2:
        return None
    keys = [endpoint.key for endpoint in ENDPOINTS if endpoint.key in data["endpoints"]]
    header = ["serving", *(f"{TITLES[key]} / FastAPI" for key in keys), "while 40 slow clients"]
    lines = []
    for name in servings:
        ratios = [
            _fmt_ratio(_ratio(_cpu(figures, rows, key, name), _cpu(figures, rows, key, FASTAPI)))
            for key in keys
        ]
        lines.append([LABELS[name], *ratios, _slow(data.get("slow_clients", {}).get(name))])
    return _table(header, lines, markdown)


def _has_admin(figures: dict) -> bool:
    return all("admin" in dataset for dataset in figures["datasets"].values())


def admin_table(figures: dict, markdown: bool) -> str:
    sizes = _sizes(figures)
    header = ["page", *(f"{int(rows):,} heroes" for rows in sizes)]
    lines = []
    for key, (title, _path) in ADMIN_ENDPOINTS.items():
        row = [title]
        for rows in sizes:
            cell = figures["datasets"][rows]["admin"][key]
            wall_ms = cell["seconds"] / cell["requests"] * 1e3
            row.append(f"{wall_ms:,.1f} ms wall, {cpu_us(cell) / 1e3:,.1f} ms CPU")
        lines.append(row)
    return _table(header, lines, markdown)


def goals_table(figures: dict, markdown: bool) -> str:
    lines = [
        [goal["goal"], goal["target"], goal["value"], "met" if goal["met"] else "NOT met"]
        for goal in goals(figures)
    ]
    return _table(["goal", "target", "measured", ""], lines, markdown)


def text(figures: dict) -> str:
    parts = []
    for rows in _sizes(figures):
        parts += [
            f"\n{int(rows):,} heroes: server CPU per request and requests per second",
            dataset_table(figures, rows, markdown=False),
        ]
    if len(figures["datasets"]) > 1:
        parts += ["\nScale: CPU per request, largest / smallest table", scale_table(figures, False)]
    if (serving := serving_table(figures, markdown=False)) is not None:
        parts += ["\nServing candidates: CPU per request / FastAPI's", serving]
    if _has_admin(figures):
        parts += ["\nDjango admin (per request)", admin_table(figures, markdown=False)]
    parts += ["\nGoals", goals_table(figures, markdown=False)]
    return "\n".join(parts)


def chart(figures: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = _sizes(figures)
    keys = [endpoint.key for endpoint in ENDPOINTS]
    figure, axes = plt.subplots(1, 2, figsize=(13, 4.8), dpi=100)
    width = 0.27
    small = sizes[0]
    colors = {PROJECT: "#0c4b33", FASTAPI: "#009688", FLOOR: "#9e9e9e"}
    for index, server in enumerate((PROJECT, FASTAPI, FLOOR)):
        values = [_cpu(figures, small, key, server) or 0 for key in keys]
        positions = [i + (index - 1) * width for i in range(len(keys))]
        axes[0].bar(positions, values, width, label=LABELS[server], color=colors[server])
    axes[0].set_title(f"Server CPU per request, {int(small):,} heroes (lower is better)")
    axes[0].set_ylabel("µs of CPU per request")
    axes[0].set_xticks(range(len(keys)), [TITLES[key] for key in keys], rotation=25, ha="right")
    axes[0].legend(fontsize=8)
    for index, rows in enumerate(sizes):
        values = [_cpu(figures, rows, key, PROJECT) or 0 for key in keys]
        positions = [i + (index - (len(sizes) - 1) / 2) * width for i in range(len(keys))]
        axes[1].bar(positions, values, width, label=f"{int(rows):,} heroes")
    axes[1].set_title("Django project: CPU per request by table size (log scale)")
    axes[1].set_yscale("log")
    axes[1].set_ylabel("µs of CPU per request")
    axes[1].set_xticks(range(len(keys)), [TITLES[key] for key in keys], rotation=25, ha="right")
    axes[1].legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def markdown(figures: dict, chart_name: str) -> str:
    meta = figures["meta"]
    sizes = _sizes(figures)
    project_versions = ", ".join(f"{k} {v}" for k, v in meta["project_versions"].items())
    peer_versions = ", ".join(f"{k} {v}" for k, v in meta["peer_versions"].items())
    lines = [
        "# Benchmarks",
        "",
        "The Django project against the FastAPI + SQLModel original it was ported from, and",
        "against a bare WSGI app on the standard library's sqlite3 (the floor), on the same",
        "rows, each server with one worker process. Generated by `make bench`",
        f"({meta['date']}, {meta['run_seconds']} s); do not edit by hand.",
        "",
        f"![Server CPU per request]({chart_name})",
        "",
        "## Goals",
        "",
        goals_table(figures, markdown=True),
        "",
    ]
    for rows in sizes:
        data = figures["datasets"][rows]
        lines += [
            f"## {int(rows):,} heroes",
            "",
            "Server CPU time per request (user + system, all the server's processes) and",
            "requests per second over one connection. Ratios compare CPU per request.",
            "",
            dataset_table(figures, rows, markdown=True),
            "",
            f"Seeded in {data['seed_seconds']} s. One hero and patch use id {data['hero_id']};"
            f" the name filter asks for {data['hero_name']!r} ({data['counts'].get('name', 0)}"
            f" with that name); the age range `{AGE_RANGE}` matches"
            f" {data['counts'].get('age', 0):,};"
            f" the deep page starts at offset {data['deep_offset']:,}. Load average"
            f" {data['load_before']} before, {data['load_after']} after.",
            "",
        ]
    if len(sizes) > 1:
        lines += [
            f"## Scale: {int(sizes[-1]):,} / {int(sizes[0]):,} heroes",
            "",
            "CPU per request on the larger table divided by that on the smaller one.",
            "",
            scale_table(figures, markdown=True),
            "",
        ]
    if (serving := serving_table(figures, markdown=True)) is not None:
        lines += [
            "## Serving",
            "",
            "The same project served other ways, beside the smallest table: CPU per request"
            " against FastAPI's in the same rounds (every process of the serving counted,"
            " nginx's too), and what a normal client saw while 20 connections trickled their"
            " headers and 20 their bodies, a byte every 3 s (`benchmarks/slow_clients.py`):"
            " requests answered within 5 s, and the slowest answer.",
            "",
            serving,
            "",
        ]
    lines += (
        []
        if not _has_admin(figures)
        else [
            "## Django admin",
            "",
            f"The hero changelist, logged in as a superuser: {meta['admin_requests']} requests in a"
            f" row per table size and round, the sizes taking turns for {meta['rounds']} rounds"
            " after a warm-up round. The search looks for the same name as the name filter.",
            "",
            admin_table(figures, markdown=True),
            "",
        ]
    )
    if HOT_SPOTS.exists():
        lines += [HOT_SPOTS.read_text().strip(), ""]
    lines += [
        "## How it is measured",
        "",
        "- `make bench` runs `python -m benchmarks.run`: it seeds a SQLite file per row count"
        " with `manage.py seed_heroes --count N --seed 0`, copies it for each server, and starts:",
        f"  - {LABELS[PROJECT]}: served as `make run` serves it (`scripts/serve.sh`): nginx"
        " (`deploy/nginx.conf`, one worker process) in front of gunicorn (`gunicorn.conf.py`),"
        " production settings (DEBUG off, whitenoise, persistent connections),"
        " `WEB_CONCURRENCY=1`, sync worker, access log on; the CPU of nginx counts too;",
        f"  - {LABELS[FASTAPI]}: `benchmarks/peers/fastapi_heroes.py`, the tutorial's final"
        " version, in its own virtualenv (`.venv-peers`, `benchmarks/peers/requirements.txt`),"
        " one process, uvloop and httptools, access log on;",
        f"  - {LABELS[FLOOR]}: `benchmarks/peers/floor.py` under the same gunicorn configuration.",
        "- Worker recycling (`GUNICORN_MAX_REQUESTS`) is off for the run, so no restart is billed"
        " to the requests. All servers use SQLite in WAL mode with `synchronous=NORMAL`.",
        "- Before any load, the runner checks that the three servers return the same heroes"
        " for every read endpoint (the floor the same JSON as the project, FastAPI the same"
        " list as the project's `results`).",
        f"- Load: `wrk -t1 -c1` (one connection), {meta['warmup']} warm-up requests per server,"
        f" then {meta['rounds']} rounds of {meta['seconds']} s per server. The servers of every"
        " row count run at once and take turns, each round starting with the next server, so"
        " both project / FastAPI and 1M / 10k compare figures measured side by side. Reads run"
        " before writes.",
        "- CPU per request: utime + stime (and reaped children) of every process in the server's"
        " process group from `/proc/<pid>/stat`, before and after each wrk run, divided by the"
        " requests wrk completed (its Lua `done()` summary). Any non-2xx answer fails the run.",
        "- Requests per second is wall-clock over one connection; it moves with the load that"
        " other work puts on the machine, CPU per request much less.",
        "- Creates and patches are sent as JSON; the project's carry a token"
        " (`Authorization: Token ...`) of a user with the add/change permissions.",
        "",
        "## Machine and versions",
        "",
        f"- CPU: {meta['cpu']}, {meta['cores']} cores, {meta['memory_gib']} GiB;"
        f" Linux {meta['kernel']}; shared with other work while it ran (see load averages).",
        f"- Python {meta['python']}, SQLite {meta['sqlite']}, {meta['wrk']}.",
        f"- Project: {project_versions}.",
        f"- Peer: {peer_versions}.",
        f"- Command: `{meta['command']}`.",
        "",
        "Reproduce: `make bench` (10,000 and 1,000,000 heroes; several minutes), or"
        " `.venv/bin/python -m benchmarks.run --rows 10000 --seconds 2` for a quick look.",
        "",
    ]
    return "\n".join(lines)


def write(figures: dict, out: Path) -> None:
    chart_name = "benchmarks.png"
    chart(figures, out / chart_name)
    (out / "benchmarks.md").write_text(markdown(figures, chart_name))
    (out / "benchmarks.json").write_text(json.dumps(figures, indent=2) + "\n")
