"""The measuring itself: every server of every table size in turn, round by round."""

import json
import sys
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from benchmarks import dataset as datasets
from benchmarks.endpoints import ADMIN_ENDPOINTS, ENDPOINTS, PROXY_ROWS, Endpoint
from benchmarks.lineup import (
    FLOOR,
    PROJECT,
    PROXY,
    WITH_ADMIN,
    Running,
    admin_session_cookie,
    get_json,
    production_workers,
)
from benchmarks.lineup import serve as serve_all
from benchmarks.measure import Request, Sample, run_sequential, run_wrk
from benchmarks.proc import worker_memory_kib

# A warm-up stops after this long: a page that takes a second needs no thirty warm-ups.
WARMUP_SECONDS = 3.0


def _heroes_and_count(body: object) -> tuple[list, int | None]:
    # The envelope of the project and the FastAPI peers ("results"), ninja's ("items"), or
    # one hero.
    if isinstance(body, dict) and "count" in body:
        return body.get("results", body.get("items")), body["count"]
    return body, None


def _normalized(body: object, running: Running) -> object:
    # next/previous links carry each server's own port.
    return json.loads(json.dumps(body).replace(running.url, "http://SERVER"))


def _unlinked(body: object) -> object:
    # The floor links pages by offset; the project, by keyset cursors it signs.
    if isinstance(body, dict):
        return {key: value for key, value in body.items() if key not in ("next", "previous")}
    return body


def resolved(endpoint: Endpoint, request: Request | None, running: Running) -> Request | None:
    """The request as measured: for a row that follows `next`, the link the server gives
    on the page the endpoint names (or, where a server links no pages, that page's offset
    moved on by its limit)."""
    if request is None or not endpoint.follows_next:
        return request
    body = get_json(running.url + request.path)
    link = body.get("next") if isinstance(body, dict) else None
    if link:
        request.path = link.removeprefix(running.url)
        return request
    query = parse_qs(urlsplit(request.path).query)
    offset = int(query["offset"][0]) + int(query["limit"][0])
    request.path = request.path.replace(f"offset={query['offset'][0]}", f"offset={offset}")
    return request


def check_answers(dataset: datasets.Dataset, servers: dict[str, Running]) -> dict[str, int]:
    """Fails unless the servers return the same heroes and counts; returns the counts."""
    counts = {}
    for endpoint in ENDPOINTS:
        if not endpoint.reads or endpoint.revalidates:
            continue
        bodies = {
            name: _normalized(get_json(running.url + request.path), running)
            for name, running in servers.items()
            if (request := resolved(endpoint, endpoint.request(name, dataset), running))
        }
        project = bodies[PROJECT]
        heroes, count = _heroes_and_count(project)
        if count is not None:
            counts[endpoint.key] = count
        if not heroes:
            raise RuntimeError(f"{endpoint.key}: no heroes in {project!r:.300}")
        for name, body in bodies.items():
            if name == PROXY and body != project:
                raise RuntimeError(f"{endpoint.key}: {name} answers {body!r:.300}")
            if name == FLOOR and _unlinked(body) != _unlinked(project):
                raise RuntimeError(f"{endpoint.key}: {name} answers {body!r:.300}")
            if _heroes_and_count(body) != (heroes, count):
                raise RuntimeError(f"{endpoint.key}: {name} answers {body!r:.300}")
    return counts


def _etag(url: str) -> str:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.headers["ETag"]


def prepared(endpoint: Endpoint, name: str, running: Running, dataset, as_name: str = ""):
    """The request `name` gets (as the server `as_name`, for the project's variants)."""
    if name == PROXY and endpoint.key not in PROXY_ROWS:
        return None
    request = resolved(endpoint, endpoint.request(as_name or name, dataset), running)
    if request is not None and endpoint.revalidates:
        request.if_none_match = _etag(running.url + request.path)
    return request


def measure_requests(
    title: str,
    requests: dict[tuple, Request],
    servers: dict[tuple, Running],
    options,
    *,
    connections: int = 1,
    rounds: int,
    seconds: int,
) -> dict[tuple, dict]:
    """Each server's request in turn, round by round, after a warm-up: side by side."""
    warmups = {}
    for key, request in requests.items():
        running = servers[key]
        warm = run_sequential(
            running.url,
            request,
            running.meter,
            options.warmup,
            "application/json",
            most_seconds=WARMUP_SECONDS,
        )
        if warm.errors:
            raise RuntimeError(f"{title} on {running.name} fails:\n{running.server.log()[-3000:]}")
        warmups[key] = warm.requests
    totals = {key: Sample(0.0, 0, 0.0) for key in requests}
    order = list(requests)
    for round_number in range(rounds):
        # Alternate who goes first, so drift on the machine spreads over all servers.
        for key in order[round_number % len(order) :] + order[: round_number % len(order)]:
            request = requests[key]
            if request.ids and request.ids.next - connections < request.ids.last:
                continue  # no heroes left to delete on this server
            running = servers[key]
            totals[key].add(run_wrk(running.url, request, running.meter, seconds, connections))
    for key, total in totals.items():
        if total.errors or not total.requests:
            log = servers[key].server.log()[-3000:]
            raise RuntimeError(f"{title} on {servers[key].name}: {total.errors} errors\n{log}")
    return {key: {**vars(total), "warmup": warmups[key]} for key, total in totals.items()}


def measure_endpoint(
    endpoint: Endpoint,
    data: dict[int, datasets.Dataset],
    servers: dict[int, dict[str, Running]],
    options,
    **how,
) -> dict[tuple[int, str], dict]:
    """Every server of every table size in turn, round by round: the figures side by side."""
    requests = {
        (rows, name): request
        for rows, dataset in data.items()
        for name, running in servers[rows].items()
        if (request := prepared(endpoint, name, running, dataset)) is not None
    }
    flat = {key: servers[key[0]][key[1]] for key in requests}
    return measure_requests(endpoint.key, requests, flat, options, **how)


def measure_admin(
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


def memory(servers: dict[str, Running]) -> dict[str, dict]:
    return {name: {"rss_kib": worker_memory_kib(running.pgid)} for name, running in servers.items()}


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def measure_under_load(dataset: datasets.Dataset, workdir: Path, names: list[str], options) -> dict:
    """Each server with its recommended workers, on a fresh copy, under many connections."""
    load = {"rows": dataset.rows, "connections": options.connections, "endpoints": {}}
    with serve_all(dataset, workdir, names, production=True) as servers:
        load["workers"] = {name: production_workers(name) for name in servers}
        load["load_before"] = load_average()
        for endpoint in options.endpoint_list:
            print(f"   {endpoint.title}, {options.connections} connections", file=sys.stderr)
            measured = measure_endpoint(
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
        load["memory"] = memory(servers)
        load["load_after"] = load_average()
    return load
