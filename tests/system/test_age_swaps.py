"""Writes that swap heroes' ages at the same instant: no deadlock, and the tallies stay exact.

Each round, four pairs of heroes swap ages at once: in each pair one hero goes from 30 to
40 while the other goes from 40 to 30 (and back the next round), eight writes sent together
through a 4-worker gunicorn, each by PATCH, PUT or the admin's change form. Every write
moves two rows of the per-age tally (migrations 0006 and 0011), half of them each way.
"""

import importlib
import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

import pytest

from benchmarks.servers import create_user, manage
from tests.system.clients import AdminSession, HttpClient, Reply
from tests.system.figures import record_figures
from tests.system.postgres import postgres_database
from tests.system.served import KINDS, query, served_database

WORKERS = 4
PAIRS = 4
ROUNDS = 200
LOW, HIGH = 30, 40
WAYS = ("PATCH", "PUT", "admin")
PASSWORD = "correct horse battery staple"
CHANGELIST = "/admin/heroes/hero/"
# Heroes that stay put, so the tallies hold more than the swapping heroes.
BYSTANDER_AGES = (LOW, LOW, HIGH, 35, None)


def _write(server_url: str, token: str, admin: AdminSession, way: str, hero: dict) -> Reply:
    """Sets the hero's age by `way`, the rest of the hero as it was."""
    form = {"name": hero["name"], "age": hero["age"], "secret_name": f"secret of {hero['name']}"}
    if way == "admin":
        return admin.post(f"/admin/heroes/hero/{hero['id']}/change/", form)
    client = HttpClient(server_url, token=token)
    try:
        body = {"age": hero["age"]} if way == "PATCH" else form
        return client.request(way, f"/heroes/{hero['id']}/", body)
    finally:
        client.close()


def _acknowledged(way: str, reply: Reply) -> bool:
    if way == "admin":
        return reply.status == HTTPStatus.FOUND and reply.headers["location"] == CHANGELIST
    return reply.status == HTTPStatus.OK


@pytest.mark.parametrize("kind", KINDS)
def test_opposite_age_swaps_never_deadlock_and_keep_tallies_exact(kind, tmp_path):
    with served_database(kind, tmp_path, workers=WORKERS) as (server, url):
        token = create_user(url, "staff", PASSWORD, superuser=True)
        setup = HttpClient(server.url, token=token)
        for number, age in enumerate(BYSTANDER_AGES):
            body = {"name": f"Bystander {number}", "age": age, "secret_name": "s"}
            assert setup.request("POST", "/heroes/", body).status == HTTPStatus.CREATED
        # Writers 2n and 2n + 1 swap pair n: the even ones start at LOW.
        heroes = []
        for writer in range(2 * PAIRS):
            name = f"Swapper {writer}"
            age = (LOW, HIGH)[writer % 2]
            body = {"name": name, "age": age, "secret_name": f"secret of {name}"}
            heroes.append(setup.request("POST", "/heroes/", body).json())
        admins = [AdminSession(server.url, "staff", PASSWORD) for _ in heroes]
        statuses, errors = {way: Counter() for way in WAYS}, []

        def write(way: str, hero: dict, admin: AdminSession, start: threading.Barrier) -> Reply:
            start.wait(10)
            return _write(server.url, token, admin, way, hero)

        with ThreadPoolExecutor(len(heroes)) as pool:
            for round_ in range(ROUNDS):
                start = threading.Barrier(len(heroes))
                targets = [{**hero, "age": LOW + HIGH - hero["age"]} for hero in heroes]
                # Within a pair, every combination of two ways comes once in 9 rounds.
                ways = [
                    WAYS[(round_ // 3 ** (writer % 2) + writer // 2) % 3]
                    for writer in range(len(heroes))
                ]
                futures = [
                    pool.submit(write, way, target, admin, start)
                    for way, target, admin in zip(ways, targets, admins, strict=True)
                ]
                for writer, (way, target, future) in enumerate(
                    zip(ways, targets, futures, strict=True)
                ):
                    reply = future.result(timeout=60)
                    statuses[way][reply.status] += 1
                    if _acknowledged(way, reply):
                        heroes[writer] = target
                    else:
                        errors.append(f"{way} {target}: {reply.status} {reply.text[:300]}")
        # Counts of one age, as the API reads them from the tally.
        counted = {
            age: setup.request("GET", f"/heroes/?age__gte={age}&age__lte={age}").json()["count"]
            for age in (LOW, 35, HIGH)
        }
        served = {hero["id"]: setup.request("GET", f"/heroes/{hero['id']}/") for hero in heroes}
        setup.close()
        stored = query(url, "SELECT id, age, version FROM heroes_hero ORDER BY id")
        by_age = query(
            url, "SELECT COALESCE(age, -1), COUNT(*) FROM heroes_hero GROUP BY 1 ORDER BY 1"
        )
        tallied = query(
            url, "SELECT age, total FROM heroes_heroagetally WHERE total <> 0 ORDER BY age"
        )
        negative = query(url, "SELECT age, total FROM heroes_heroagetally WHERE total < 0")
        ((total,),) = query(url, "SELECT total FROM heroes_herotally")
    log = server.log()

    deadlocks = len(re.findall(r"deadlock detected", log, re.IGNORECASE))
    all_statuses = sum(statuses.values(), Counter())
    record_figures(
        f"age_swaps_{kind}",
        {
            "database": kind,
            "gunicorn_workers": WORKERS,
            "rounds": ROUNDS,
            "writes": sum(all_statuses.values()),
            "statuses_by_way": {
                way: {str(status): n for status, n in sorted(seen.items())}
                for way, seen in statuses.items()
            },
            "deadlocks_in_server_log": deadlocks,
            "heroes_by_age": {str(age): n for age, n in by_age},
            "age_tallies": {str(age): n for age, n in tallied},
            "total_tally": total,
        },
    )
    assert errors == []
    assert sum(all_statuses.values()) == ROUNDS * len(heroes)
    assert {way: set(seen) for way, seen in statuses.items()} == {
        "PATCH": {HTTPStatus.OK},
        "PUT": {HTTPStatus.OK},
        "admin": {HTTPStatus.FOUND},
    }
    assert deadlocks == 0
    assert "Traceback" not in log
    assert not re.search(r'HTTP/1\.1" 5\d\d ', log)
    # Every write was counted once, and each hero holds the age its last write gave it.
    swappers = {hero["id"]: (hero["age"], 1 + ROUNDS) for hero in heroes}
    assert {id_: (age, version) for id_, age, version in stored if id_ in swappers} == swappers
    assert {id_: reply.json()["age"] for id_, reply in served.items()} == {
        id_: age for id_, (age, _) in swappers.items()
    }
    assert tallied == by_age
    assert negative == []
    assert total == len(stored) == len(BYSTANDER_AGES) + len(heroes)
    assert counted == {age: dict(by_age).get(age, 0) for age in (LOW, 35, HIGH)}


def _tally_functions(url: str) -> dict[str, str]:
    return dict(
        query(
            url,
            "SELECT proname, prosrc FROM pg_proc WHERE proname LIKE %s",
            ("heroes_hero_age_tally_%",),
        )
    )


def test_migration_0011_orders_the_tally_triggers_and_reverses_to_those_of_0006():
    created = importlib.import_module("heroes.migrations.0006_heroagetally").POSTGRESQL
    # The body of each function 0006 created, by name.
    bodies = dict(
        match.groups()
        for statement in created
        if (match := re.match(r'CREATE FUNCTION "(\w+)"\(\).*?\$\$(.*)\$\$$', statement))
    )
    with postgres_database() as url:
        manage(url, "migrate", "--noinput", "-v0")
        ordered = _tally_functions(url)
        manage(url, "migrate", "heroes", "0010", "--noinput", "-v0")
        restored = _tally_functions(url)
        manage(url, "migrate", "--noinput", "-v0")
        again = _tally_functions(url)

    assert restored == bodies
    assert again == ordered != restored
    for name in ("insert", "delete", "update"):
        assert ordered[f"heroes_hero_age_tally_{name}"].count("ORDER BY 1") == 1
