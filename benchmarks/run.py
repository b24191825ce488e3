"""`make bench`: the project, the FastAPI original and a bare WSGI floor, side by side.

Seeds one SQLite file per row count with `seed_heroes`, gives each server a copy, starts
the three servers with one worker process each for every row count, then loads every
endpoint with wrk over one connection, all servers of all row counts taking turns round by
round: the project / FastAPI ratios and the 1M / 10k ratios are both measured side by side.
Prints the figures and writes benchmarks.md, benchmarks.png and benchmarks.json to
artifacts/benchmarks/ (`make bench`), or to docs/ with --out docs (`make bench-docs`).

    python -m benchmarks.run                     # 10,000 and 1,000,000 heroes
    python -m benchmarks.run --smoke --out DIR   # a few hundred heroes, about a minute
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from benchmarks import dataset as datasets
from benchmarks import peer_venv, report, slow_clients
from benchmarks.endpoints import ADMIN_ENDPOINTS, ENDPOINTS, Endpoint, deep_offset
from benchmarks.lineup import (
    CANDIDATES,
    FASTAPI,
    FLOOR,
    PROJECT,
    Running,
    admin_session_cookie,
    get_json,
)
from benchmarks.lineup import serve as serve_all
from benchmarks.measure import Request, Sample, run_sequential, run_wrk
from benchmarks.servers import BASE_DIR

SERVERS = [PROJECT, FASTAPI, FLOOR, *CANDIDATES]


def _options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="10000,1000000", help="Comma-separated row counts.")
    parser.add_argument("--seconds", type=int, default=3, help="wrk run per server and round.")
    parser.add_argument("--rounds", type=int, default=3, help="Alternating rounds per endpoint.")
    parser.add_argument("--warmup", type=int, default=50, help="Warm-up requests per server.")
    parser.add_argument(
        "--admin-requests", type=int, default=10, help="Admin pages per round (0: none)."
    )
    parser.add_argument(
        "--slow-clients",
        type=int,
        default=12,
        help="Seconds of slow clients per serving (0: none).",
    )
    parser.add_argument(
        "--out", type=Path, default=BASE_DIR / "artifacts" / "benchmarks", help="Report folder."
    )
    parser.add_argument("--workdir", type=Path, help="Database files and logs (default: temp).")
    parser.add_argument(
        "--smoke", action="store_true", help="A quick run that proves the harness works."
    )
    parser.add_argument("--setup", action="store_true", help="Only build the peer virtualenv.")
    parser.add_argument("--servers", default=",".join(SERVERS), help="Comma-separated subset.")
    parser.add_argument(
        "--endpoints", default=",".join(e.key for e in ENDPOINTS), help="Comma-separated subset."
    )
    options = parser.parse_args(argv)
    if options.smoke:
        options.rows, options.seconds, options.rounds = "300,600", 1, 1
        options.warmup, options.admin_requests, options.slow_clients = 5, 2, 3
    options.row_counts = [int(rows) for rows in options.rows.split(",")]
    options.server_names = [name for name in SERVERS if name in options.servers.split(",")]
    options.endpoint_list = [e for e in ENDPOINTS if e.key in options.endpoints.split(",")]
    return options


def _normalized(body: object, running: Running) -> object:
    # next/previous links carry each server's own port.
    return json.loads(json.dumps(body).replace(running.url, "http://SERVER"))


def check_answers(dataset: datasets.Dataset, servers: dict[str, Running]) -> dict[str, int]:
    """Fails unless the servers return the same heroes; returns the project's counts."""
    counts = {}
    for endpoint in ENDPOINTS:
        if not endpoint.reads:
            continue
        bodies = {
            name: _normalized(get_json(running.url + request.path), running)
            for name, running in servers.items()
            if (request := endpoint.request(name, dataset))
        }
        project = bodies[PROJECT]
        heroes = (
            project["results"] if isinstance(project, dict) and "results" in project else project
        )
        if isinstance(project, dict) and "count" in project:
            counts[endpoint.key] = project["count"]
        if bodies.get(FLOOR, project) != project:
            raise RuntimeError(f"{endpoint.key}: the floor answers {bodies[FLOOR]!r:.300}")
        if bodies.get(FASTAPI, heroes) != heroes:
            raise RuntimeError(f"{endpoint.key}: FastAPI answers {bodies[FASTAPI]!r:.300}")
        if not heroes:
            raise RuntimeError(f"{endpoint.key}: no heroes in {project!r:.300}")
    return counts


def _measure_endpoint(
    endpoint: Endpoint,
    data: dict[int, datasets.Dataset],
    servers: dict[int, dict[str, Running]],
    options,
) -> dict[tuple[int, str], dict]:
    """Every server of every table size in turn, round by round: the figures side by side."""
    requests: dict[tuple[int, str], Request] = {
        (rows, name): request
        for rows, dataset in data.items()
        for name in servers[rows]
        if (request := endpoint.request(name, dataset)) is not None
    }
    for (rows, name), request in requests.items():
        running = servers[rows][name]
        warm = run_sequential(
            running.url, request, running.pgid, options.warmup, "application/json"
        )
        if warm.errors:
            raise RuntimeError(f"{endpoint.key} on {name} fails:\n{running.server.log()}")
    totals = {key: Sample(0.0, 0, 0.0) for key in requests}
    order = list(requests)
    for round_number in range(options.rounds):
        # Alternate who goes first, so drift on the machine spreads over all servers.
        for rows, name in order[round_number % len(order) :] + order[: round_number % len(order)]:
            running = servers[rows][name]
            sample = run_wrk(running.url, requests[rows, name], running.pgid, options.seconds)
            total = totals[rows, name]
            total.cpu_seconds += sample.cpu_seconds
            total.requests += sample.requests
            total.seconds += sample.seconds
            total.errors += sample.errors
    for (rows, name), total in totals.items():
        if total.errors or not total.requests:
            log = servers[rows][name].server.log()[-3000:]
            raise RuntimeError(f"{endpoint.key} on {name}: {total.errors} errors\n{log}")
    return {key: vars(total) for key, total in totals.items()}


def _measure_admin(
    data: dict[int, datasets.Dataset], servers: dict[int, dict[str, Running]], options
) -> dict[int, dict[str, dict]]:
    """The admin pages of every table size, taking turns round by round like the endpoints."""
    cookies = {rows: admin_session_cookie(servers[rows][PROJECT]) for rows in data}
    results: dict[int, dict[str, dict]] = {rows: {} for rows in data}
    for key, (_title, path) in ADMIN_ENDPOINTS.items():
        requests = {
            rows: Request("GET", path(dataset), cookie=cookies[rows])
            for rows, dataset in data.items()
        }
        totals = {rows: Sample(0.0, 0, 0.0) for rows in data}
        order = list(requests)
        for round_number in range(options.rounds + 1):  # the first round warms up
            turn = round_number % len(order)
            for rows in order[turn:] + order[:turn]:
                project = servers[rows][PROJECT]
                sample = run_sequential(
                    project.url, requests[rows], project.pgid, options.admin_requests, "text/html"
                )
                if sample.errors:
                    log = project.server.log()[-3000:]
                    raise RuntimeError(f"{key}: {sample.errors} failed requests\n{log}")
                if round_number:
                    totals[rows].cpu_seconds += sample.cpu_seconds
                    totals[rows].requests += sample.requests
                    totals[rows].seconds += sample.seconds
        for rows, total in totals.items():
            results[rows][key] = vars(total)
    return results


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run_datasets(workdir: Path, options) -> dict[str, dict]:
    """Seeds every table size, serves them all at once and measures them side by side."""
    data, results = {}, {}
    for rows in options.row_counts:
        print(f"\n== {rows:,} heroes: seeding", file=sys.stderr, flush=True)
        started = time.monotonic()
        dataset = data[rows] = datasets.seed(rows, workdir, quiet=options.smoke)
        results[rows] = {
            "rows": rows,
            "seed_seconds": round(time.monotonic() - started, 1),
            "hero_id": dataset.hero_id,
            "hero_name": dataset.hero_name,
            "deep_offset": deep_offset(dataset),
        }
    smallest = min(data)
    with ExitStack() as stack:
        # The serving candidates differ in what serving costs, not in what the table size
        # costs: they run beside the smallest table only.
        servers = {
            rows: stack.enter_context(
                serve_all(
                    dataset,
                    workdir,
                    [n for n in options.server_names if rows == smallest or n not in CANDIDATES],
                )
            )
            for rows, dataset in data.items()
        }
        for rows, dataset in data.items():
            results[rows].update(counts=check_answers(dataset, servers[rows]), endpoints={})
            results[rows]["load_before"] = _load()
        print("\n== every table size side by side", file=sys.stderr, flush=True)
        for endpoint in options.endpoint_list:
            print(f"   {endpoint.title}", file=sys.stderr, flush=True)
            measured = _measure_endpoint(endpoint, data, servers, options)
            for (rows, name), cell in measured.items():
                results[rows]["endpoints"].setdefault(endpoint.key, {})[name] = cell
        if options.slow_clients:
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
        for rows in data:
            result = results[rows]
            api_count = get_json(servers[rows][PROJECT].url + "/heroes/?limit=1")["count"]
            db_count = datasets.count_rows(servers[rows][PROJECT].database)
            result.update(api_count=api_count, db_count=db_count, count_exact=api_count == db_count)
            result["load_after"] = _load()
            if not result["count_exact"]:
                raise RuntimeError(f"count is {api_count}, the table holds {db_count}")
    return {str(rows): result for rows, result in results.items()}


def main(argv: list[str] | None = None) -> int:
    options = _options(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `make bench` installs it (apt-get install wrk).")
    peer_venv.ensure()
    if options.setup:
        return 0
    started = time.monotonic()
    workdir = options.workdir or Path(tempfile.mkdtemp(prefix="heroes-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        figures = {
            "meta": report.machine(peer_venv.versions(), options, argv or sys.argv[1:]),
            "datasets": run_datasets(workdir, options),
        }
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
