"""Anonymous reads from the primary against reads from a streaming standby, with wrk.

    .venv/bin/python -m benchmarks.replica_reads [--seconds 8] [--rounds 2] [--rows 10000]

Starts a primary and a standby (tests/system/replication.py, no apply delay), seeds the
primary, and two app servers of two workers each: one reads from the primary only, the
other has DATABASE_REPLICA_URL set to the standby. Prints requests per second per round, as
the rows of docs/operations/replicas.md. Everything runs on one machine: the figures show
what routing a read to a standby costs, not the capacity a standby on its own host adds.
"""

import argparse
import re
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.servers import manage, start_gunicorn, stop
from tests.system.replication import primary_and_standby

PATHS = ("/heroes/1/", "/heroes/?limit=100")


def requests_per_second(url: str, seconds: int) -> tuple[float, int]:
    """wrk's requests per second on `url`, and how many answers were not 2xx/3xx."""
    output = subprocess.run(
        ["wrk", "-t1", "-c4", f"-d{seconds}s", url], capture_output=True, text=True, check=True
    ).stdout
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return rate, int(failed.group(1)) if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--rows", type=int, default=10_000)
    options = parser.parse_args()
    logs = Path(tempfile.mkdtemp(prefix="heroes-replica-bench-"))
    with primary_and_standby(delay="0") as cluster:
        manage(cluster.database_url, "migrate", "--noinput", "-v0")
        manage(cluster.database_url, "seed_heroes", "--count", str(options.rows))
        servers = {
            "primary": start_gunicorn(cluster.primary.url, logs / "primary.log", workers=2),
        }
        try:
            servers["standby"] = start_gunicorn(
                cluster.database_url,
                logs / "standby.log",
                workers=2,
                DATABASE_REPLICA_URL=cluster.standby.url,
            )
            cluster.wait_replayed()
            time.sleep(1.5)  # each worker's lag measurement is newer than the seeding
            print("| Path | Reads from | Round | Requests/s | Not 2xx |")
            print("| --- | --- | --- | --- | --- |")
            for path in PATHS:
                for round_ in range(1, options.rounds + 1):
                    for name, server in servers.items():
                        rate, failed = requests_per_second(server.url + path, options.seconds)
                        print(f"| `{path}` | {name} | {round_} | {rate:.0f} | {failed} |")
        finally:
            for server in servers.values():
                stop(server.process)


if __name__ == "__main__":
    main()
