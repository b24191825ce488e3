"""Figures into tables, ratios, goals, benchmarks.md, benchmarks.json and the chart."""

import importlib.metadata
import json
import os
import platform
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.dataset import DATABASES
from benchmarks.endpoints import ADMIN_ENDPOINTS, AGE_RANGE, ENDPOINTS
from benchmarks.lineup import CANDIDATES, FASTAPI, FLOOR, LABELS, NINJA, PEERS, PROJECT

HOT_SPOTS = Path(__file__).with_name("hot_spots.md")
TITLES = {endpoint.key: endpoint.title for endpoint in ENDPOINTS}
TITLES |= {key: title for key, (title, _path) in ADMIN_ENDPOINTS.items()}
READS = {endpoint.key for endpoint in ENDPOINTS if endpoint.reads} | set(ADMIN_ENDPOINTS)
SHORT = {PROJECT: "project", FASTAPI: "FastAPI", NINJA: "ninja", FLOOR: "floor"}
# The goals, all measured side by side in one run: the most project / peer CPU per request.
FASTAPI_READ_GOAL, FASTAPI_WRITE_GOAL = 0.5, 0.6
NINJA_GOAL = 1.0
FLOOR_GOALS = {"one": 1.5, "list": 2.0}
# The most project CPU per request at the largest / the smallest table (not the deep page,
# whose OFFSET grows with the table on every server).
SCALE_GOAL = 1.2
NOT_SCALED = {"deep"}
PROJECT_PACKAGES = [
    "Django",
    "djangorestframework",
    "django-filter",
    "gunicorn",
    "orjson",
    "psycopg",
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
        "connections": options.connections,
        "load_seconds": options.load_seconds,
        "python_executable": sys.executable,
    }


def cpu_us(cell: dict) -> float:
    return cell["cpu_seconds"] / cell["requests"] * 1e6


def rps(cell: dict) -> float:
    return cell["requests"] / cell["seconds"]


def p99_ms(cell: dict) -> float:
    # The worst of the rounds' 99th percentiles: a tail is what the slowest round saw.
    return max(cell["latency_us"]["p99"]) / 1e3


def p50_ms(cell: dict) -> float:
    values = sorted(cell["latency_us"]["p50"])
    return values[len(values) // 2] / 1e3


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _fmt_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _sizes(database: dict) -> list[str]:
    return sorted(database["datasets"], key=int)


def _rows_of(database: dict, rows: str) -> dict:
    """Every measured row of one table size: the API's requests, then the admin pages."""
    data = database["datasets"][rows]
    return {**data["endpoints"], **data.get("admin", {})}


def _keys(database: dict) -> list[str]:
    found = set()
    for rows in _sizes(database):
        found |= set(_rows_of(database, rows))
    return [key for key in TITLES if key in found]


def _cpu(database: dict, rows: str, key: str, server: str) -> float | None:
    cell = _rows_of(database, rows).get(key, {}).get(server)
    return cpu_us(cell) if cell else None


def _goal(database: str, goal: str, value: float | None, most: float, text: str = "") -> dict:
    return {
        "database": database,
        "goal": goal,
        "target": f"<= {most}",
        "value": text or _fmt_ratio(value),
        "met": value is not None and value <= most,
    }


def goals(figures: dict) -> list[dict]:
    """Each goal with its measured value and whether it is met."""
    found = []
    for kind, database in figures["databases"].items():
        label = DATABASES[kind]
        sizes = _sizes(database)
        for rows in sizes:
            heroes = f"{int(rows):,} heroes"
            for key in _keys(database):
                project = _cpu(database, rows, key, PROJECT)
                if (fastapi := _cpu(database, rows, key, FASTAPI)) is not None:
                    most = FASTAPI_READ_GOAL if key in READS else FASTAPI_WRITE_GOAL
                    goal = f"project / FastAPI CPU, {TITLES[key]}, {heroes}"
                    found.append(_goal(label, goal, _ratio(project, fastapi), most))
                if (ninja := _cpu(database, rows, key, NINJA)) is not None:
                    goal = f"project / ninja CPU, {TITLES[key]}, {heroes}"
                    found.append(_goal(label, goal, _ratio(project, ninja), NINJA_GOAL))
                if key in FLOOR_GOALS and (floor := _cpu(database, rows, key, FLOOR)):
                    goal = f"project / floor CPU, {TITLES[key]}, {heroes}"
                    found.append(_goal(label, goal, _ratio(project, floor), FLOOR_GOALS[key]))
        if len(sizes) > 1:
            small, large = sizes[0], sizes[-1]
            for key in _keys(database):
                if key in NOT_SCALED:
                    continue
                value = _ratio(
                    _cpu(database, large, key, PROJECT), _cpu(database, small, key, PROJECT)
                )
                goal = f"project CPU {int(large):,} / {int(small):,} heroes, {TITLES[key]}"
                found.append(_goal(label, goal, value, SCALE_GOAL))
        for rows in sizes:
            data = database["datasets"][rows]
            found.append(
                {
                    "database": label,
                    "goal": f"count exact after the run, {int(rows):,} heroes",
                    "target": "API count = COUNT(*)",
                    "value": f"{data['api_count']:,} = {data['db_count']:,}",
                    "met": data["count_exact"],
                }
            )
        load = database.get("load")
        if load:
            for key, cells in load["endpoints"].items():
                if PROJECT in cells and FASTAPI in cells:
                    project, fastapi = p99_ms(cells[PROJECT]), p99_ms(cells[FASTAPI])
                    goal = (
                        f"p99 under {load['connections']} connections, project / FastAPI,"
                        f" {TITLES[key]}"
                    )
                    text = f"{project:,.1f} / {fastapi:,.1f} ms"
                    found.append(_goal(label, goal, _ratio(project, fastapi), 1.0, text))
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


def _peers_in(database: dict) -> list[str]:
    seen = set()
    for rows in _sizes(database):
        for cells in _rows_of(database, rows).values():
            seen |= set(cells)
    return [name for name in PEERS if name in seen]


def dataset_table(database: dict, rows: str, markdown: bool) -> str:
    peers = _peers_in(database)
    others = [name for name in peers if name != PROJECT]
    header = ["request", *(SHORT[name] for name in peers)]
    header += [f"project/{SHORT[name]}" for name in others]
    lines = []
    cells = _rows_of(database, rows)
    for key in _keys(database):
        if key not in cells:
            continue
        project = _cpu(database, rows, key, PROJECT)
        line = [TITLES[key], *(_cell(cells[key].get(name)) for name in peers)]
        line += [_fmt_ratio(_ratio(project, _cpu(database, rows, key, name))) for name in others]
        lines.append(line)
    return _table(header, lines, markdown)


def scale_table(database: dict, markdown: bool) -> str:
    sizes = _sizes(database)
    small, large = sizes[0], sizes[-1]
    peers = _peers_in(database)
    header = [
        "request",
        f"project {int(small):,}",
        f"project {int(large):,}",
        *(f"{SHORT[name]} ratio" for name in peers),
    ]
    lines = []
    for key in _keys(database):
        if any(_cpu(database, size, key, PROJECT) is None for size in (small, large)):
            continue
        line = [TITLES[key]]
        line += [f"{_cpu(database, size, key, PROJECT):,.0f} µs" for size in (small, large)]
        for name in peers:
            value = _ratio(_cpu(database, large, key, name), _cpu(database, small, key, name))
            line.append(_fmt_ratio(value))
        lines.append(line)
    return _table(header, lines, markdown)


def load_table(database: dict, markdown: bool) -> str:
    load = database["load"]
    peers = [name for name in PEERS if name in load["workers"]]
    header = ["request", *(f"{SHORT[name]} ({load['workers'][name]} w.)" for name in peers)]
    header += ["p99 project/FastAPI", "CPU project/FastAPI"]
    lines = []
    for key in TITLES:
        cells = load["endpoints"].get(key)
        if not cells:
            continue
        line = [TITLES[key]]
        for name in peers:
            cell = cells.get(name)
            line.append(
                "-"
                if not cell
                else f"{cpu_us(cell):,.0f} µs, {p50_ms(cell):,.1f} / {p99_ms(cell):,.1f} ms"
            )
        both = PROJECT in cells and FASTAPI in cells
        line.append(_fmt_ratio(p99_ms(cells[PROJECT]) / p99_ms(cells[FASTAPI])) if both else "-")
        line.append(_fmt_ratio(cpu_us(cells[PROJECT]) / cpu_us(cells[FASTAPI])) if both else "-")
        lines.append(line)
    return _table(header, lines, markdown)


def _mib(values: list[int]) -> str:
    if not values:
        return "-"
    mean = sum(values) / len(values) / 1024
    return f"{len(values)} x {mean:,.0f} MiB"


def memory_table(database: dict, markdown: bool) -> str:
    sizes = _sizes(database)
    header = ["server", *(f"1 worker, {int(rows):,} heroes" for rows in sizes)]
    load = database.get("load")
    if load:
        header.append(f"under load, {load['rows']:,} heroes")
    lines = []
    for name in _peers_in(database):
        line = [LABELS[name]]
        for rows in sizes:
            memory = database["datasets"][rows].get("memory", {}).get(name)
            line.append(_mib(memory["rss_kib"]) if memory else "-")
        if load:
            memory = load["memory"].get(name)
            line.append(_mib(memory["rss_kib"]) if memory else "-")
        lines.append(line)
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


def serving_table(database: dict, markdown: bool) -> str | None:
    """The project served each way, at the smallest table: CPU against FastAPI, slow clients."""
    rows = _sizes(database)[0]
    data = database["datasets"][rows]
    servings = [
        name
        for name in (PROJECT, *CANDIDATES)
        if any(name in cells for cells in data["endpoints"].values())
    ]
    if len(servings) < 2:
        return None
    keys = [key for key in TITLES if key in data["endpoints"]]
    header = ["serving", *(f"{TITLES[key]} / FastAPI" for key in keys), "while 40 slow clients"]
    lines = []
    for name in servings:
        ratios = [
            _fmt_ratio(_ratio(_cpu(database, rows, key, name), _cpu(database, rows, key, FASTAPI)))
            for key in keys
        ]
        lines.append([LABELS[name], *ratios, _slow(data.get("slow_clients", {}).get(name))])
    return _table(header, lines, markdown)


def goals_table(figures: dict, markdown: bool, *, missed_only: bool = False) -> str:
    lines = [
        [
            goal["database"],
            goal["goal"],
            goal["target"],
            goal["value"],
            "met" if goal["met"] else "NOT met",
        ]
        for goal in goals(figures)
        if not (missed_only and goal["met"])
    ]
    return _table(["database", "goal", "target", "measured", ""], lines, markdown)


def goals_summary(figures: dict) -> str:
    found = goals(figures)
    met = sum(goal["met"] for goal in found)
    return f"{met} of {len(found)} goals met."


def _sections(figures: dict, markdown: bool) -> list[tuple[str, str]]:
    """(title, table) for every table of the report, database by database."""
    parts = []
    for kind, database in figures["databases"].items():
        label = DATABASES[kind]
        for rows in _sizes(database):
            parts.append(
                (
                    f"{label}, {int(rows):,} heroes, one connection",
                    dataset_table(database, rows, markdown),
                )
            )
        if len(_sizes(database)) > 1:
            parts.append(
                (f"{label}: scale, largest / smallest table", scale_table(database, markdown))
            )
        if database.get("load"):
            load = database["load"]
            parts.append(
                (
                    f"{label}, {load['rows']:,} heroes, {load['connections']} connections",
                    load_table(database, markdown),
                )
            )
        parts.append((f"{label}: resident memory per worker", memory_table(database, markdown)))
        if (serving := serving_table(database, markdown)) is not None:
            parts.append((f"{label}: serving candidates, CPU per request / FastAPI's", serving))
    return parts


def text(figures: dict) -> str:
    parts = []
    for title, table in _sections(figures, markdown=False):
        parts += [f"\n{title}", table]
    parts += ["\nGoals not met", goals_table(figures, False, missed_only=True)]
    parts += ["", goals_summary(figures)]
    return "\n".join(parts)


def chart(figures: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = list(figures["databases"])
    figure, axes = plt.subplots(2, len(kinds), figsize=(8 * len(kinds), 9), dpi=100, squeeze=False)
    colors = {PROJECT: "#0c4b33", FASTAPI: "#009688", NINJA: "#f2a900", FLOOR: "#9e9e9e"}
    for column, kind in enumerate(kinds):
        database = figures["databases"][kind]
        small = _sizes(database)[0]
        keys = [endpoint.key for endpoint in ENDPOINTS if endpoint.key in _keys(database)]
        peers = _peers_in(database)
        width = 0.8 / len(peers)
        top = axes[0][column]
        for index, server in enumerate(peers):
            values = [_cpu(database, small, key, server) or 0 for key in keys]
            positions = [i + (index - (len(peers) - 1) / 2) * width for i in range(len(keys))]
            top.bar(positions, values, width, label=LABELS[server], color=colors[server])
        top.set_title(f"{DATABASES[kind]}: CPU per request, {int(small):,} heroes, 1 connection")
        top.set_ylabel("µs of CPU per request (lower is better)")
        top.set_xticks(range(len(keys)), [TITLES[key] for key in keys], rotation=35, ha="right")
        top.legend(fontsize=8)
        bottom = axes[1][column]
        load = database.get("load")
        if not load:
            bottom.set_visible(False)
            continue
        for index, server in enumerate(peers):
            values = [
                p99_ms(load["endpoints"][key][server])
                if server in load["endpoints"].get(key, {})
                else 0
                for key in keys
            ]
            positions = [i + (index - (len(peers) - 1) / 2) * width for i in range(len(keys))]
            bottom.bar(positions, values, width, label=LABELS[server], color=colors[server])
        bottom.set_title(f"{DATABASES[kind]}: p99 latency, {load['connections']} connections")
        bottom.set_ylabel("ms (lower is better)")
        bottom.set_xticks(range(len(keys)), [TITLES[key] for key in keys], rotation=35, ha="right")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def _facts(figures: dict) -> list[str]:
    lines = []
    for kind, database in figures["databases"].items():
        for rows in _sizes(database):
            data = database["datasets"][rows]
            counts = data["counts"]
            lines.append(
                f"- {DATABASES[kind]}, {int(rows):,} heroes: seeded in {data['seed_seconds']} s."
                f" One hero, PUT, patch and the 304 use id {data['hero_id']}; the name filter"
                f" asks for {data['hero_name']!r} ({counts.get('name', 0)} with that name);"
                f" `name__icontains` and `search` ask for {data['contains_term']!r}"
                f" ({counts.get('search', 0):,}); the age range `{AGE_RANGE}` matches"
                f" {counts.get('age', 0):,}; `age__isnull=true` {counts.get('isnull', 0):,};"
                f" the deep page starts at offset {data['deep_offset']:,}; deletes walk down"
                f" from id {int(rows):,}. Load average {data['load_before']} before,"
                f" {data['load_after']} after."
            )
    return lines


def markdown(figures: dict, chart_name: str) -> str:
    meta = figures["meta"]
    project_versions = ", ".join(f"{k} {v}" for k, v in meta["project_versions"].items())
    peer_versions = ", ".join(f"{k} {v}" for k, v in meta["peer_versions"].items())
    lines = [
        "# Benchmarks",
        "",
        "The Django project against the FastAPI + SQLModel original it was ported from, against",
        "django-ninja (what a Django user would pick instead of DRF), and against a bare WSGI",
        "app on the database driver alone (the floor), on the same rows, on SQLite and on",
        "PostgreSQL. Generated by `make bench`"
        f" ({meta['date']}, {meta['run_seconds']} s); do not edit by hand.",
        "",
        f"![CPU per request and p99 latency]({chart_name})",
        "",
        "## Goals",
        "",
        goals_summary(figures) + " The goals not met:",
        "",
        goals_table(figures, markdown=True, missed_only=True),
        "",
        "Every goal, met or not, is in `benchmarks.json` beside this file.",
        "",
    ]
    for title, table in _sections(figures, markdown=True):
        lines += [f"## {title}", "", table, ""]
    lines += ["## The rows", "", *_facts(figures), ""]
    if HOT_SPOTS.exists():
        lines += [HOT_SPOTS.read_text().strip(), ""]
    lines += [
        "## How it is measured",
        "",
        "- `make bench` runs `python -m benchmarks.run` beside a throwaway PostgreSQL server"
        " (`scripts/with-postgres.sh`). For each database it seeds one database per row count"
        " with `manage.py seed_heroes --count N --seed 0` (SQLite: a file; PostgreSQL: a"
        " database), gives each server its own copy (a file copy; `CREATE DATABASE ..."
        " TEMPLATE`), and starts:",
        f"  - {LABELS[PROJECT]}: served as `make run` serves it (`scripts/serve.sh`): nginx"
        " (`deploy/nginx.conf`) in front of gunicorn (`gunicorn.conf.py`), production"
        " settings, sync workers, access log on; the CPU of nginx counts too;",
        f"  - {LABELS[FASTAPI]}: `benchmarks/peers/fastapi_heroes.py`, the tutorial's final"
        " version with the count envelope, filters, search, ordering, PUT and an ETag added,"
        " uvloop and httptools, access log on; no authentication, as in the tutorial;",
        f"  - {LABELS[NINJA]}: `benchmarks/peers/ninja_heroes/`, as django-ninja's docs write"
        " it (ModelSchema, `LimitOffsetPagination`, a FilterSchema, HttpBearer on the users'"
        " tokens, Django's ConditionalGetMiddleware for ETags, the Django admin), access log"
        " on;",
        f"  - {LABELS[FLOOR]}: `benchmarks/peers/floor.py`, reads only, under the project's"
        " gunicorn configuration.",
        "- The peers run in their own virtualenv (`.venv-peers`,"
        " `benchmarks/peers/requirements.txt`). Worker recycling is off for the run.",
        "- Before any load, the runner checks that every server returns the same heroes and"
        " the same count for every read (the floor the same JSON as the project).",
        f"- One connection: `wrk -t1 -c1`, {meta['warmup']} warm-up requests per server, then"
        f" {meta['rounds']} rounds of {meta['seconds']} s per server, one worker process each."
        " The servers of every row count run at once and take turns, each round starting with"
        " the next server, so both project / peer and 1M / 10k compare figures measured side"
        " by side. Reads run before writes; deletes walk down the seeded ids, one hero each.",
        f"- Under load: `wrk -t1 -c{meta['connections']}` for {meta['load_seconds']} s per"
        " server and request, at the smallest row count, each server on a fresh copy with"
        " the worker processes its docs recommend: gunicorn's (2 x cores) + 1 for the"
        ' project, ninja and the floor, one per core for FastAPI (its "Server Workers").'
        " p50 and p99 are wrk's, over every request of the run.",
        "- CPU per request: utime + stime (and reaped children) of every process in the"
        " server's process group from `/proc/<pid>/stat`, and on PostgreSQL of every"
        " backend connected to the server's own database, before and after each wrk run,"
        " divided by the requests wrk completed. A backend that ends within a run (a pool's"
        " overflow connection, a connection at its maximum age) takes its CPU with it;"
        " parallel query is off in the benchmark's databases, so that a query's CPU is all"
        " in its backend. Any 4xx or 5xx fails the run.",
        "- Memory: VmRSS of every worker process (each Python process without a Python child,"
        " so not a master) after the run.",
        "- The admin pages: the changelist and its search, logged in as a superuser,"
        f" {meta['admin_requests']} requests in a row per server, size and round.",
        "",
        "## Machine and versions",
        "",
        f"- CPU: {meta['cpu']}, {meta['cores']} cores, {meta['memory_gib']} GiB;"
        f" Linux {meta['kernel']}; shared with other work while it ran (see load averages).",
        f"- Python {meta['python']}, SQLite {meta['sqlite']}, {meta['wrk']}.",
        f"- Project: {project_versions}.",
        f"- Peers: {peer_versions}.",
        f"- Command: `{meta['command']}`.",
        "",
        "Reproduce: `make bench` (10,000 and 1,000,000 heroes on both databases), or"
        ' `make bench BENCH_ARGS="--rows 10000 --databases sqlite"` for a quick look.',
        "",
    ]
    return "\n".join(lines)


def write(figures: dict, out: Path) -> None:
    chart_name = "benchmarks.png"
    chart(figures, out / chart_name)
    figures = {**figures, "goals": goals(figures)}
    (out / "benchmarks.md").write_text(markdown(figures, chart_name))
    (out / "benchmarks.json").write_text(json.dumps(figures, indent=2) + "\n")
