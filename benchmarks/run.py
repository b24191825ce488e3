"""`make bench`: the project against peers doing the same work, and the tutorials, side by side.

For each database (SQLite, then PostgreSQL on the server `scripts/with-postgres.sh` started):
seeds one database per row count with `seed_heroes` and gives each server its own copy.
Every server is its app server alone (`lineup`); what nginx in front costs is the proxy's
row, at the smallest table.

1. One connection: every server of every row count runs at once with one worker process;
   each request is loaded with wrk over one connection, all servers of all row counts
   taking turns round by round, so that the project / peer ratios and the 1M / 10k ratios
   are both measured side by side. Then the Django admin pages, and evidence that every
   PUT and patch wrote (each server's hero's version, where it keeps one).
2. Ablation (`ablation`): at the smallest row count, the project with each speed module
   off beside the project with all of them on.
3. Under load: at the smallest row count, each server again on a fresh copy, now with the
   worker count its docs recommend, loaded by 16 connections in turn: CPU per request and
   p50 / p99 latency.

After each, the resident memory of every worker. Prints the figures and writes
benchmarks.md, benchmarks.png and benchmarks.json to artifacts/benchmarks/ (`make bench`),
or to docs/ with --out docs (`make bench-docs`).

    python -m benchmarks.run                     # 10,000 and 1,000,000 heroes
    python -m benchmarks.run --smoke --out DIR   # a few hundred heroes, a few minutes
"""

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from benchmarks import ablation, machine, peer_venv, phases, report
from benchmarks import dataset as datasets
from benchmarks.endpoints import ENDPOINTS, deep_offset
from benchmarks.lineup import PEERS, PROJECT, PROXY, SERVERS, get_json
from benchmarks.lineup import serve as serve_all
from benchmarks.servers import BASE_DIR


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
    parser.add_argument("--load-seconds", type=int, default=2, help="wrk run under load.")
    parser.add_argument(
        "--admin-requests", type=int, default=8, help="Admin pages per round (0: none)."
    )
    parser.add_argument(
        "--no-ablation", dest="ablation", action="store_false", help="Skip the ablation."
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
        options.rows, options.seconds, options.rounds, options.load_seconds = "300,600", 1, 1, 1
        options.warmup, options.admin_requests = 3, 2
    options.row_counts = [int(rows) for rows in options.rows.split(",")]
    options.database_kinds = [
        kind for kind in datasets.DATABASES if kind in options.databases.split(",")
    ]
    options.server_names = [name for name in SERVERS if name in options.servers.split(",")]
    if PROJECT not in options.server_names:
        sys.exit("--servers: the project is what every other server is compared with.")
    options.endpoint_list = [e for e in ENDPOINTS if e.key in options.endpoints.split(",")]
    return options


def _version(dataset: datasets.Dataset, url: str) -> int:
    sql = "SELECT version FROM heroes_hero WHERE id = ?"
    return dataset.store.query_one(url, sql, (dataset.hero_id,))[0]


def _history(dataset: datasets.Dataset, url: str) -> int:
    sql = "SELECT COUNT(*) FROM heroes_historicalhero WHERE id = ?"
    return dataset.store.query_one(url, sql, (dataset.hero_id,))[0]


def _writes(dataset: datasets.Dataset, servers, endpoints: dict) -> dict[str, dict]:
    """Every server's PUT and patch requests on the hero, how far its version grew and how
    many history entries it gained: each write that wrote counts one of each (where the
    server keeps them, as the project and the matched peers do)."""
    before, entries = _version(dataset, dataset.url), _history(dataset, dataset.url)
    writes = {}
    for name, running in servers.items():
        cells = [endpoints.get(key, {}).get(name) for key in ("put", "patch")]
        if any(cells):
            writes[name] = {
                "requests": sum(c["requests"] + c["warmup"] for c in cells if c),
                "wrk_runs": sum(len(c["latency_us"].get("p50", [])) for c in cells if c),
                "version_growth": _version(dataset, running.database) - before,
                "history_growth": _history(dataset, running.database) - entries,
            }
    return writes


def _timed(phases: dict, name: str, started: float) -> None:
    phases[name] = round(time.monotonic() - started)


def run_database(kind: str, store: datasets.Store, options) -> dict:
    """Seeds every table size, serves them all at once and measures them side by side."""
    workdir = store.directory
    data, results, spent = {}, {}, {}
    started = time.monotonic()
    for rows in options.row_counts:
        label = datasets.DATABASES[kind]
        print(f"\n== {label}, {rows:,} heroes: seeding", file=sys.stderr, flush=True)
        seeding = time.monotonic()
        dataset = data[rows] = datasets.seed(rows, store, quiet=options.smoke)
        results[rows] = {
            "rows": rows,
            "seed_seconds": round(time.monotonic() - seeding, 1),
            "hero_id": dataset.hero_id,
            "hero_name": dataset.hero_name,
            "contains_term": dataset.contains_term(),
            "selective_term": dataset.selective_term(),
            "deep_offset": deep_offset(dataset),
        }
    _timed(spent, "seeding", started)
    smallest = min(data)
    peers = [name for name in options.server_names if name in PEERS]
    with ExitStack() as stack:
        started = time.monotonic()
        # The proxy costs what serving costs, not what the table size costs: it runs beside
        # the smallest table only. A smoke run serves the peers there only too: the one table
        # that needs a second size, how the project scales, is the project's.
        servers = {
            rows: stack.enter_context(
                serve_all(
                    dataset,
                    workdir,
                    (peers if rows == smallest or not options.smoke else [PROJECT])
                    + ([PROXY] if PROXY in options.server_names and rows == smallest else []),
                )
            )
            for rows, dataset in data.items()
        }
        for rows, dataset in data.items():
            results[rows].update(counts=phases.check_answers(dataset, servers[rows]), endpoints={})
            results[rows]["load_before"] = phases.load_average()
        _timed(spent, "starting", started)
        print(f"\n== {datasets.DATABASES[kind]}, one connection", file=sys.stderr, flush=True)
        started = time.monotonic()
        for endpoint in options.endpoint_list:
            print(f"   {endpoint.title}", file=sys.stderr, flush=True)
            measured = phases.measure_endpoint(
                endpoint, data, servers, options, rounds=options.rounds, seconds=options.seconds
            )
            for (rows, name), cell in measured.items():
                results[rows]["endpoints"].setdefault(endpoint.key, {})[name] = cell
        _timed(spent, "one_connection", started)
        if options.admin_requests:
            print("   admin pages", file=sys.stderr, flush=True)
            started = time.monotonic()
            for rows, admin in phases.measure_admin(data, servers, options).items():
                results[rows]["admin"] = admin
            _timed(spent, "admin", started)
        for rows, dataset in data.items():
            result = results[rows]
            project = servers[rows][PROJECT]
            api_count = get_json(project.url + "/heroes/?limit=1")["count"]
            db_count = dataset.count_rows(project.database)
            result.update(api_count=api_count, db_count=db_count, count_exact=api_count == db_count)
            result["writes"] = _writes(dataset, servers[rows], result["endpoints"])
            result["memory"] = phases.memory(servers[rows])
            result["load_after"] = phases.load_average()
            if not result["count_exact"]:
                raise RuntimeError(f"count is {api_count}, the table holds {db_count}")
    figures = {"datasets": {str(rows): result for rows, result in results.items()}}
    if options.ablation:
        print(f"\n== {datasets.DATABASES[kind]}, ablation", file=sys.stderr, flush=True)
        started = time.monotonic()
        figures["ablation"] = ablation.run(data[smallest], workdir, options)
        _timed(spent, "ablation", started)
    if options.connections:
        print(f"\n== {datasets.DATABASES[kind]}, under load", file=sys.stderr, flush=True)
        started = time.monotonic()
        figures["load"] = phases.measure_under_load(data[smallest], workdir, peers, options)
        _timed(spent, "under_load", started)
    figures["phase_seconds"] = spent
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
    figures = {"meta": machine.machine(peer_venv.versions(), options, argv or sys.argv[1:])}
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
