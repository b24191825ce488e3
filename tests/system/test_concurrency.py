"""Many clients write and read at once through a multi-worker gunicorn on one database
(a SQLite file, or PostgreSQL in the PostgreSQL pass).

Every write is checked: each writer creates heroes of its own, renames them, and deletes
every other one; and, in pairs, two writers patch the same shared heroes at once, one
the name and the other the age, so neither may undo the other's acknowledged change.
Every acknowledged write has exactly one history entry, and each hero's last entry is the
hero as stored.
"""

import http.client
import random
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import urlsplit

from benchmarks.servers import create_user, gunicorn
from tests.system.clients import HttpClient
from tests.system.figures import record_figures
from tests.system.postgres import database_of_this_pass
from tests.system.served import query

WORKERS = 4
WRITERS = 8
READERS = 4
REQUESTS_PER_CLIENT = 300
SHARED_PER_PAIR = 10
ORDERINGS = ["id", "-id", "name", "-name", "age", "-age"]
WRITE_PERMISSIONS = ("add_hero", "change_hero", "delete_hero")
STORED = "SELECT id, name, age, secret_name FROM heroes_hero"
ENTRIES_BY_KIND = "SELECT history_type, COUNT(*) FROM heroes_historicalhero GROUP BY history_type"
LAST_ENTRIES = """
    SELECT id, name, age, secret_name, history_type FROM heroes_historicalhero AS entry
    WHERE history_id = (SELECT MAX(history_id) FROM heroes_historicalhero WHERE id = entry.id)
"""


@dataclass
class Outcome:
    """What one client saw: every status, the unexpected answers, and what it was told."""

    statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    # id -> (name, age, secret_name) of its own heroes, as last acknowledged.
    heroes: dict[int, tuple[str, int | None, str]] = field(default_factory=dict)
    # id -> the last acknowledged value of the field it patches in shared heroes.
    shared: dict[int, str | int] = field(default_factory=dict)
    created: int = 0
    patched: int = 0
    deleted: int = 0


def _send(client: HttpClient, outcome: Outcome, expected: int, method: str, path: str, body=None):
    try:
        reply = client.request(method, path, body)
    except (OSError, http.client.HTTPException) as exc:  # refused, reset, cut off, timed out
        outcome.statuses["connection error"] += 1
        outcome.errors.append(f"{method} {path}: {exc!r}")
        return None
    outcome.statuses[reply.status] += 1
    if reply.status != expected or "database is locked" in reply.text:
        outcome.errors.append(f"{method} {path}: {reply.status} {reply.text[:200]}")
        return None
    return reply


def _own_hero_step(client: HttpClient, outcome: Outcome, writer: int, step: int, hero_id):
    """Step 3n creates hero n, 3n+1 renames it, 3n+2 deletes it (even n) or patches it."""
    number = step // 3
    name, secret = f"w{writer}-h{number}", f"secret w{writer}-h{number}"
    if step % 3 == 0:
        body = {"name": name, "secret_name": secret}
        reply = _send(client, outcome, HTTPStatus.CREATED, "POST", "/heroes/", body)
        if reply is None:
            return None
        outcome.created += 1
        outcome.heroes[reply.json()["id"]] = (name, None, secret)
        return reply.json()["id"]
    if hero_id is None:
        return None  # its create failed, already counted as an error
    path = f"/heroes/{hero_id}/"
    if step % 3 == 1:
        body = {"name": f"{name} renamed", "age": number}
        if _send(client, outcome, HTTPStatus.OK, "PATCH", path, body):
            outcome.patched += 1
            outcome.heroes[hero_id] = (body["name"], number, secret)
    elif number % 2 == 0:
        if _send(client, outcome, HTTPStatus.NO_CONTENT, "DELETE", path):
            outcome.deleted += 1
            del outcome.heroes[hero_id]
    else:
        body = {"age": number + 1000, "secret_name": f"{secret} changed"}
        if _send(client, outcome, HTTPStatus.OK, "PATCH", path, body):
            outcome.patched += 1
            outcome.heroes[hero_id] = (f"{name} renamed", body["age"], body["secret_name"])
    return hero_id


def write(base_url: str, token: str, writer: int, shared: list[int]) -> Outcome:
    """Alternates a step on its own heroes with a patch of the next shared hero."""
    outcome, client = Outcome(), HttpClient(base_url, token=token)
    # The two writers of a pair walk the same heroes in the same order, so they collide.
    patched_field = "name" if writer % 2 == 0 else "age"
    hero_id = None
    for request in range(REQUESTS_PER_CLIENT):
        if request % 2 == 0:
            hero_id = _own_hero_step(client, outcome, writer, request // 2, hero_id)
            continue
        hero = shared[(request // 2) % len(shared)]
        value = f"shared by w{writer} r{request}" if patched_field == "name" else request
        body = {patched_field: value}
        if _send(client, outcome, HTTPStatus.OK, "PATCH", f"/heroes/{hero}/", body):
            outcome.patched += 1
            outcome.shared[hero] = value
    client.close()
    return outcome


def _sorted_as(results: list[dict], ordering: str) -> list[dict]:
    """The page as the API promises to sort it: by each term, no age last, then by id."""
    expected = sorted(results, key=lambda hero: hero["id"])
    for term in reversed(ordering.split(",")):
        name = term.lstrip("-")
        present = [hero for hero in expected if hero[name] is not None]
        missing = [hero for hero in expected if hero[name] is None]
        # Stable sorts, last term first: earlier terms decide, later ones break ties.
        expected = sorted(present, key=lambda hero: hero[name], reverse=term[0] == "-") + missing
    return expected


def read(base_url: str, reader: int) -> Outcome:
    """Lists pages at random offsets and orderings; each page must be sorted as asked."""
    outcome, client, rng = Outcome(), HttpClient(base_url), random.Random(reader)
    for _ in range(REQUESTS_PER_CLIENT):
        ordering, limit = rng.choice(ORDERINGS), rng.choice([1, 10, 50, 100])
        path = f"/heroes/?ordering={ordering}&limit={limit}&offset={rng.randrange(0, 600)}"
        reply = _send(client, outcome, HTTPStatus.OK, "GET", path)
        if reply is None:
            continue
        results = reply.json()["results"]
        if len(results) > limit or results != _sorted_as(results, ordering):
            outcome.errors.append(f"GET {path}: page not sorted as asked: {results[:5]}")
    client.close()
    return outcome


def _all_heroes(client: HttpClient) -> dict[int, tuple[str, int | None]]:
    heroes, path = {}, "/heroes/?limit=100&ordering=id"
    while path:
        body = client.request("GET", path).json()
        heroes.update({hero["id"]: (hero["name"], hero["age"]) for hero in body["results"]})
        path = body["next"] and urlsplit(body["next"])._replace(scheme="", netloc="").geturl()
    return heroes


def test_concurrent_writes_and_reads_lose_nothing(tmp_path):
    with (
        database_of_this_pass(tmp_path) as url,
        gunicorn(url, tmp_path / "gunicorn.log", workers=WORKERS) as server,
    ):
        token = create_user(url, "writer", "correct horse battery", permissions=WRITE_PERMISSIONS)
        setup, shared = HttpClient(server.url, token=token), {}
        for n in range(WRITERS // 2 * SHARED_PER_PAIR):
            hero = {"name": f"shared {n}", "age": None, "secret_name": f"shared secret {n}"}
            shared[setup.request("POST", "/heroes/", hero).json()["id"]] = hero
        pairs = [list(shared)[p :: WRITERS // 2] for p in range(WRITERS // 2)]
        started = time.monotonic()
        with ThreadPoolExecutor(WRITERS + READERS) as pool:
            writes = [
                pool.submit(write, server.url, token, n, pairs[n // 2]) for n in range(WRITERS)
            ]
            reads = [pool.submit(read, server.url, n) for n in range(READERS)]
            outcomes = [future.result(timeout=600) for future in writes + reads]
        seconds = time.monotonic() - started
        count = setup.request("GET", "/heroes/?limit=1").json()["count"]
        served = _all_heroes(setup)
        setup.close()
        log = server.log()
        stored = {row[0]: tuple(row[1:]) for row in query(url, STORED)}
        entries = Counter(dict(query(url, ENTRIES_BY_KIND)))
        last_entries = {row[0]: tuple(row[1:]) for row in query(url, LAST_ENTRIES)}

    expected = {hero: (h["name"], h["age"], h["secret_name"]) for hero, h in shared.items()}
    for writer, outcome in enumerate(outcomes[:WRITERS]):
        expected.update(outcome.heroes)
        for hero, value in outcome.shared.items():
            name, age, secret = expected[hero]
            expected[hero] = (value, age, secret) if writer % 2 == 0 else (name, value, secret)
    statuses = sum((outcome.statuses for outcome in outcomes), Counter())
    errors = [error for outcome in outcomes for error in outcome.errors]
    created = sum(outcome.created for outcome in outcomes)
    deleted = sum(outcome.deleted for outcome in outcomes)
    record_figures(
        "concurrency",
        {
            "gunicorn_workers": WORKERS,
            "writer_clients": WRITERS,
            "reader_clients": READERS,
            "requests": sum(statuses.values()),
            "statuses": {str(status): n for status, n in sorted(statuses.items(), key=str)},
            "shared_heroes_created_first": len(shared),
            "heroes_created_201": created,
            "patches_acknowledged_200": sum(outcome.patched for outcome in outcomes),
            "heroes_deleted_204": deleted,
            "heroes_listed_at_end": count,
            "seconds": round(seconds, 1),
        },
    )
    assert errors == []
    assert set(statuses) <= {HTTPStatus.OK, HTTPStatus.CREATED, HTTPStatus.NO_CONTENT}
    assert sum(statuses.values()) == (WRITERS + READERS) * REQUESTS_PER_CLIENT
    assert created == WRITERS * (REQUESTS_PER_CLIENT // 2 // 3)
    assert count == len(shared) + created - deleted == len(expected)
    assert served == {hero: (name, age) for hero, (name, age, _) in expected.items()}
    assert stored == expected
    patched = sum(outcome.patched for outcome in outcomes)
    assert entries == {"+": len(shared) + created, "~": patched, "-": deleted}
    assert {hero: entry[:3] for hero, entry in last_entries.items() if entry[3] != "-"} == stored
    assert sum(entry[3] == "-" for entry in last_entries.values()) == deleted
    assert "database is locked" not in log
    assert "Traceback" not in log
    assert not re.search(r'HTTP/1\.1" 5\d\d ', log)
