"""`make bench`: the project against FastAPI, django-ninja and a bare WSGI floor, side by side.

For each database (SQLite, then PostgreSQL on the server `scripts/with-postgres.sh` started):
seeds one database per row count with `seed_heroes` and gives each server its own copy.

1. One connection: every server of every row count runs at once with one worker process;
   each request is loaded with wrk over one connection, all servers of all row counts
   taking turns round by round, so that the project / peer ratios and the 1M / 10k ratios
   are both measured side by side. Then the Django admin pages (the project and ninja).
2. Under load: at the smallest row count, each server again on a fresh copy, now with the
   worker count its docs recommend, loaded by 16 connections in turn: CPU per request and
   p50 / p99 latency.

After each, the resident memory of every worker. Prints the figures and writes
benchmarks.md, benchmarks.png and benchmarks.json to artifacts/benchmarks/ (`make bench`),
or to docs/ with --out docs (`make bench-docs`).

    python -m benchmarks.run                     # 10,000 and 1,000,000 heroes
    python -m benchmarks.run --smoke --out DIR   # a few hundred heroes, a few minutes
"""

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from benchmarks import dataset as datasets
from benchmarks import peer_venv, report, slow_clients
from benchmarks.endpoints import ADMIN_ENDPOINTS, ENDPOINTS, Endpoint, deep_offset
from benchmarks.lineup import (
    CANDIDATES,
    FLOOR,
    NINJA,
    PEERS,
    PROJECT,
    Running,
    admin_session_cookie,
    get_json,
    production_workers,
)
from benchmarks.lineup import serve as serve_all
from benchmarks.measure import Request, Sample, run_sequential, run_wrk, worker_memory_kib
from benchmarks.servers import BASE_DIR

SERVERS = [*PEERS, *CANDIDATES]
WITH_ADMIN = [PROJECT, NINJA]


def _options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="10000,1000000", help="Comma-separated row counts.")
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite, postgres, or both.")
    parser.add_argument("--seconds", type=int, default=2, help="wrk run per server and round.")
    parser.add_argument("--rounds", type=int, default=2, help="Alternating rounds per request.")
    parser.add_argument("--warmup", type=int, default=30, help="Warm-up requests per server.")
    parser.add_argument(
        "--connections", type=int, default=16, help="Connections of the load run (0: none)."
    )
    parser.add_argument("--load-seconds", type=int, default=3, help="wrk run under load.")
    parser.add_argument(
        "--admin-requests", type=int, default=8, help="Admin pages per round (0: none)."
    )
    parser.add_argument(
        "--slow-clients",
        type=int,
        default=12,
        help="Seconds of slow clients per serving candidate (0: none).",
    )
    parser.add_argument(
        "--out", type=Path, default=BASE_DIR / "artifacts" / "benchmarks", help="Report folder."
    )
    parser.add_argument("--workdir", type=Path, help="Database files and logs (default: temp).")
    parser.add_argument(
        "--smoke", action="store_true", help="A quick run that proves the harness works."
    )
    parser.add_argument("--setup", action="store_true", help="Only build the peer virtualenv.")
    parser.add_argument("--servers", default=",".join(PEERS), help="Comma-separated subset.")
    parser.add_argument(
        "--endpoints", default=",".join(e.key for e in ENDPOINTS), help="Comma-separated subset."
    )
    options = parser.parse_args(argv)
    if options.smoke:
        options.rows, options.seconds, options.rounds, options.load_seconds = "300,600", 1, 1, 1
        options.warmup, options.admin_requests, options.slow_clients = 3, 2, 3
    options.row_counts = [int(rows) for rows in options.rows.split(",")]
    options.database_kinds = [
        kind for kind in datasets.DATABASES if kind in options.databases.split(",")
    ]
    options.server_names = [name for name in SERVERS if name in options.servers.split(",")]
    options.endpoint_list = [e for e in ENDPOINTS if e.key in options.endpoints.split(",")]
    return options


def _heroes_and_count(body: object) -> tuple[list, int | None]:
    # The project's and FastAPI's envelope ("results"), ninja's ("items"), or one hero.
    if isinstance(body, dict) and "count" in body:
        return body.get("results", body.get("items")), body["count"]
    return body, None


def _normalized(body: object, running: Running) -> object:
    # next/previous links carry each server's own port.
    return json.loads(json.dumps(body).replace(running.url, "http://SERVER"))


def check_answers(dataset: datasets.Dataset, servers: dict[str, Running]) -> dict[str, int]:
    """Fails unless the servers return the same heroes and counts; returns the counts."""
    counts = {}
    for endpoint in ENDPOINTS:
        if not endpoint.reads or endpoint.revalidates:
            continue
        bodies = {
            name: _normalized(get_json(running.url + request.path), running)
            for name, running in servers.items()
            if (request := endpoint.request(name, dataset))
        }
        project = bodies[PROJECT]
        heroes, count = _heroes_and_count(project)
        if count is not None:
            counts[endpoint.key] = count
        if not heroes:
            raise RuntimeError(f"{endpoint.key}: no heroes in {project!r:.300}")
        for name, body in bodies.items():
            if name == FLOOR and body != project:
                raise RuntimeError(f"{endpoint.key}: the floor answers {body!r:.300}")
            if name not in CANDIDATES and _heroes_and_count(body) != (heroes, count):
                raise RuntimeError(f"{endpoint.key}: {name} answers {body!r:.300}")
    return counts


def _etag(url: str) -> str:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.headers["ETag"]


def _prepared(endpoint: Endpoint, name: str, running: Running, dataset) -> Request | None:
    request = endpoint.request(name, dataset)
    if request is not None and endpoint.revalidates:
        request.if_none_match = _etag(running.url + request.path)
    return request


def _measure_endpoint(
    endpoint: Endpoint,
    data: dict[int, datasets.Dataset],
    servers: dict[int, dict[str, Running]],
    options,
    *,
    connections: int = 1,
    rounds: int,
    seconds: int,
) -> dict[tuple[int, str], dict]:
    """Every server of every table size in turn, round by round: the figures side by side."""
    requests: dict[tuple[int, str], Request] = {
        (rows, name): request
        for rows, dataset in data.items()
        for name, running in servers[rows].items()
        if (request := _prepared(endpoint, name, running, dataset)) is not None
    }
    for (rows, name), request in requests.items():
        running = servers[rows][name]
        warm = run_sequential(
            running.url, request, running.meter, options.warmup, "application/json"
        )
        if warm.errors:
            raise RuntimeError(f"{endpoint.key} on {name} fails:\n{running.server.log()[-3000:]}")
    totals = {key: Sample(0.0, 0, 0.0) for key in requests}
    order = list(requests)
    for round_number in range(rounds):
        # Alternate who goes first, so drift on the machine spreads over all servers.
        for rows, name in order[round_number % len(order) :] + order[: round_number % len(order)]:
            request = requests[rows, name]
            if request.ids and request.ids.next - connections < request.ids.last:
                continue  # no heroes left to delete on this server
            running = servers[rows][name]
            totals[rows, name].add(
                run_wrk(running.url, request, running.meter, seconds, connections)
            )
    for (rows, name), total in totals.items():
        if total.errors or not total.requests:
            log = servers[rows][name].server.log()[-3000:]
            raise RuntimeError(f"{endpoint.key} on {name}: {total.errors} errors\n{log}")
    return {key: vars(total) for key, total in totals.items()}


def _measure_admin(
    data: dict[int, datasets.Dataset], servers: dict[int, dict[str, Running]], options
) -> dict[int, dict[str, dict]]:
    """The admin pages of every server and table size, taking turns round by round."""
    targets = [(rows, name) for rows in data for name in WITH_ADMIN if name in servers[rows]]
    cookies = {target: admin_session_cookie(servers[target[0]][target[1]]) for target in targets}
    results: dict[int, dict[str, dict]] = {rows: {} for rows in data}
    for key, (_title, path) in ADMIN_ENDPOINTS.items():
        requests = {
            (rows, name): Request("GET", path(data[rows]), cookie=cookies[rows, name])
            for rows, name in targets
        }
        totals = {target: Sample(0.0, 0, 0.0) for target in targets}
        for round_number in range(options.rounds + 1):  # the first round warms up
            turn = round_number % len(targets)
            for rows, name in targets[turn:] + targets[:turn]:
                server = servers[rows][name]
                sample = run_sequential(
                    server.url,
                    requests[rows, name],
                    server.meter,
                    options.admin_requests,
                    "text/html",
                )
                if sample.errors:
                    log = server.server.log()[-3000:]
                    raise RuntimeError(f"{key} on {name}: {sample.errors} failed requests\n{log}")
                if round_number:
                    totals[rows, name].add(sample)
        for (rows, name), total in totals.items():
            results[rows].setdefault(key, {})[name] = vars(total)
    return results


def _memory(servers: dict[str, Running]) -> dict[str, dict]:
    return {name: {"rss_kib": worker_memory_kib(running.pgid)} for name, running in servers.items()}


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _measure_under_load(
    dataset: datasets.Dataset, workdir: Path, names: list[str], options
) -> dict:
    """Each server with its recommended workers, on a fresh copy, under many connections."""
    load = {"rows": dataset.rows, "connections": options.connections, "endpoints": {}}
    with serve_all(dataset, workdir, names, production=True) as servers:
        load["workers"] = {name: production_workers(name) for name in servers}
        load["load_before"] = _load()
        for endpoint in options.endpoint_list:
            print(f"   {endpoint.title}, {options.connections} connections", file=sys.stderr)
            measured = _measure_endpoint(
                endpoint,
                {dataset.rows: dataset},
                {dataset.rows: servers},
                options,
                connections=options.connections,
                rounds=1,
                seconds=options.load_seconds,
            )
            for (_rows, name), cell in measured.items():
                load["endpoints"].setdefault(endpoint.key, {})[name] = cell
        load["memory"] = _memory(servers)
        load["load_after"] = _load()
    return load


def run_database(kind: str, store: datasets.Store, options) -> dict:
    """Seeds every table size, serves them all at once and measures them side by side."""
    workdir = store.directory
    data, results = {}, {}
    for rows in options.row_counts:
        label = datasets.DATABASES[kind]
        print(f"\n== {label}, {rows:,} heroes: seeding", file=sys.stderr, flush=True)
        started = time.monotonic()
        dataset = data[rows] = datasets.seed(rows, store, quiet=options.smoke)
        results[rows] = {
            "rows": rows,
            "seed_seconds": round(time.monotonic() - started, 1),
            "hero_id": dataset.hero_id,
            "hero_name": dataset.hero_name,
            "contains_term": dataset.contains_term(),
            "deep_offset": deep_offset(dataset),
        }
    smallest = min(data)
    peers = [name for name in options.server_names if name in PEERS]
    with ExitStack() as stack:
        # The serving candidates differ in what serving costs, not in what the table size or
        # the database costs: they run beside the smallest SQLite table only.
        servers = {
            rows: stack.enter_context(
                serve_all(
                    dataset,
                    workdir,
                    peers
                    + [
                        name
                        for name in options.server_names
                        if name in CANDIDATES and rows == smallest and kind == datasets.SQLITE
                    ],
                )
            )
            for rows, dataset in data.items()
        }
        for rows, dataset in data.items():
            results[rows].update(counts=check_answers(dataset, servers[rows]), endpoints={})
            results[rows]["load_before"] = _load()
        print(f"\n== {datasets.DATABASES[kind]}, one connection", file=sys.stderr, flush=True)
        for endpoint in options.endpoint_list:
            print(f"   {endpoint.title}", file=sys.stderr, flush=True)
            measured = _measure_endpoint(
                endpoint, data, servers, options, rounds=options.rounds, seconds=options.seconds
            )
            for (rows, name), cell in measured.items():
                results[rows]["endpoints"].setdefault(endpoint.key, {})[name] = cell
        if options.slow_clients and any(name in CANDIDATES for name in servers[smallest]):
            print("   slow clients", file=sys.stderr, flush=True)
            results[smallest]["slow_clients"] = {
                name: vars(slow_clients.attack(running.url, seconds=options.slow_clients))
                for name, running in servers[smallest].items()
                if name == PROJECT or name in CANDIDATES
            }
        if options.admin_requests:
            print("   admin pages", file=sys.stderr, flush=True)
            for rows, admin in _measure_admin(data, servers, options).items():
                results[rows]["admin"] = admin
        for rows, dataset in data.items():
            result = results[rows]
            project = servers[rows][PROJECT]
            api_count = get_json(project.url + "/heroes/?limit=1")["count"]
            db_count = dataset.count_rows(project.database)
            result.update(api_count=api_count, db_count=db_count, count_exact=api_count == db_count)
            result["memory"] = _memory(servers[rows])
            result["load_after"] = _load()
            if not result["count_exact"]:
                raise RuntimeError(f"count is {api_count}, the table holds {db_count}")
    figures = {"datasets": {str(rows): result for rows, result in results.items()}}
    if options.connections:
        print(f"\n== {datasets.DATABASES[kind]}, under load", file=sys.stderr, flush=True)
        figures["load"] = _measure_under_load(data[smallest], workdir, peers, options)
    return figures


def _postgres_url() -> str:
    url = os.environ.get("TEST_POSTGRES_URL", "")
    if not url:
        sys.exit(
            "PostgreSQL: no server. `make bench` starts one (scripts/with-postgres.sh"
            " python -m benchmarks.run), or run with --databases sqlite."
        )
    return url


def main(argv: list[str] | None = None) -> int:
    # Stopped from outside, unwind as on Ctrl-C: every server started is stopped.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    options = _options(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `make bench` installs it (apt-get install wrk).")
    peer_venv.ensure()
    if options.setup:
        return 0
    postgres_url = _postgres_url() if datasets.POSTGRES in options.database_kinds else ""
    started = time.monotonic()
    workdir = options.workdir or Path(tempfile.mkdtemp(prefix="heroes-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    figures = {"meta": report.machine(peer_venv.versions(), options, argv or sys.argv[1:])}
    figures["databases"] = {}
    try:
        for kind in options.database_kinds:
            store = datasets.Store(kind, workdir, postgres_url)
            try:
                figures["databases"][kind] = run_database(kind, store, options)
            finally:
                store.drop_all()
    finally:
        if not options.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    figures["meta"]["run_seconds"] = round(time.monotonic() - started)
    options.out.mkdir(parents=True, exist_ok=True)
    print(report.text(figures))
    report.write(figures, options.out)
    print(f"Wrote {options.out / 'benchmarks.md'} in {figures['meta']['run_seconds']}s.")
    return 0


if __name__ == "__main__":
    os.chdir(BASE_DIR)
    sys.exit(main())
