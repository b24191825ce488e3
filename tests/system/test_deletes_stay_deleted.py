"""Staff save a hero in the admin at the moment an API client deletes it: it stays deleted.

Each round creates heroes, then, for each one at once, a staff member posts its admin change
form while an API client sends DELETE, through a 4-worker gunicorn. The DELETE is sent a
little earlier or later each round, so that it lands before the admin reads the hero,
between that read and the save, or after the save.
"""

import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from http import HTTPStatus

import pytest

from benchmarks.servers import create_user
from tests.system.clients import AdminSession, HttpClient, Reply
from tests.system.figures import record_figures
from tests.system.served import KINDS, query, served_database

WORKERS = 4
ROUNDS = 60
RACES_PER_ROUND = 2
# How much later than the admin's POST the DELETE leaves, round by round (negative: sooner).
DELAYS = [step / 1000 for step in range(-3, 27, 3)]
PASSWORD = "correct horse battery staple"
CHANGELIST = "/admin/heroes/hero/"
MESSAGES = re.compile(r'<ul class="messagelist">(.*?)</ul>', re.DOTALL)
# What the admin says, as shown on the page its answer leads to.
OUTCOMES = {
    "saved": re.compile(r"^The hero “.*” was changed successfully\.$"),
    "deleted while editing": re.compile(
        r"^The hero with ID “\d+” was deleted while you edited it; your changes were not saved\.$"
    ),
    "deleted before": re.compile(
        "^Hero with ID “\\d+” doesn\u2019t exist\\. Perhaps it was deleted\\?$"  # Django's own
    ),
}


def _shown_messages(admin: AdminSession, reply: Reply) -> list[str]:
    """The messages on the page a redirect leads to."""
    page = admin.get(reply.headers["location"]).text
    found = MESSAGES.search(page)
    items = re.findall(r"<li[^>]*>(.*?)</li>", found.group(1), re.DOTALL) if found else []
    return [unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def _outcome(admin: AdminSession, reply: Reply) -> str:
    if reply.status != HTTPStatus.FOUND:
        return f"{reply.status} {reply.text[:300]}"
    messages = _shown_messages(admin, reply)
    for outcome, pattern in OUTCOMES.items():
        if len(messages) == 1 and pattern.match(messages[0]):
            return outcome
    return f"302 to {reply.headers['location']} saying {messages}"


@pytest.mark.parametrize("kind", KINDS)
def test_admin_saves_racing_api_deletes_never_bring_a_hero_back(kind, tmp_path):
    with served_database(kind, tmp_path, workers=WORKERS) as (server, url):
        create_user(url, "staff", PASSWORD, superuser=True)
        token = create_user(url, "client", PASSWORD, permissions=("add_hero", "delete_hero"))
        admins = [AdminSession(server.url, "staff", PASSWORD) for _ in range(RACES_PER_ROUND)]
        setup = HttpClient(server.url, token=token)
        outcomes, deletes, back, errors = Counter(), Counter(), [], []
        by_delay = {delay: Counter() for delay in DELAYS}

        def save(admin: AdminSession, hero: int, start: threading.Barrier, delay: float) -> Reply:
            form = {"name": f"Saved {hero}", "age": "40", "secret_name": "saved"}
            start.wait(10)
            time.sleep(max(-delay, 0))
            return admin.post(f"/admin/heroes/hero/{hero}/change/", form)

        def delete(hero: int, start: threading.Barrier, delay: float) -> Reply:
            client = HttpClient(server.url, token=token)
            try:
                start.wait(10)
                time.sleep(max(delay, 0))
                return client.request("DELETE", f"/heroes/{hero}/")
            finally:
                client.close()

        with ThreadPoolExecutor(2 * RACES_PER_ROUND) as pool:
            for round_ in range(ROUNDS):
                heroes = [
                    setup.request(
                        "POST", "/heroes/", {"name": f"Doomed {round_}", "secret_name": "s"}
                    ).json()["id"]
                    for _ in admins
                ]
                delay, start = DELAYS[round_ % len(DELAYS)], threading.Barrier(2 * len(heroes))
                saves = [
                    pool.submit(save, admin, hero, start, delay)
                    for admin, hero in zip(admins, heroes, strict=True)
                ]
                deleted = [pool.submit(delete, hero, start, delay) for hero in heroes]
                for admin, future in zip(admins, saves, strict=True):
                    outcome = _outcome(admin, future.result(timeout=60))
                    outcomes[outcome] += 1
                    by_delay[delay][outcome] += 1
                for hero, future in zip(heroes, deleted, strict=True):
                    reply = future.result(timeout=60)
                    deletes[reply.status] += 1
                    if reply.status != HTTPStatus.NO_CONTENT:
                        errors.append(f"DELETE {hero}: {reply.status} {reply.text[:300]}")
                    if setup.request("GET", f"/heroes/{hero}/").status != HTTPStatus.NOT_FOUND:
                        back.append(hero)
        setup.close()
        stored = query(url, "SELECT COUNT(*) FROM heroes_hero")[0][0]
        ((tallied,),) = query(url, "SELECT total FROM heroes_herotally")
    log = server.log()

    record_figures(
        f"deletes_stay_deleted_{kind}",
        {
            "database": kind,
            "gunicorn_workers": WORKERS,
            "rounds": ROUNDS,
            "races": ROUNDS * RACES_PER_ROUND,
            "delete_delays_ms": [round(delay * 1000) for delay in DELAYS],
            "admin_outcomes": dict(outcomes),
            "admin_outcomes_by_delete_delay_ms": {
                round(delay * 1000): dict(seen) for delay, seen in by_delay.items()
            },
            "delete_statuses": {str(status): n for status, n in sorted(deletes.items())},
            "heroes_back_after_204": len(back),
            "heroes_stored_at_end": stored,
            "total_tally_at_end": tallied,
        },
    )
    assert errors == []
    assert deletes == {HTTPStatus.NO_CONTENT: ROUNDS * RACES_PER_ROUND}
    assert back == []
    assert stored == tallied == 0
    assert set(outcomes) <= set(OUTCOMES), outcomes
    if kind == "postgresql":
        # Some DELETEs landed between the admin's read and its save: the race was run.
        # (On SQLite the admin's transaction holds the write lock from that read on.)
        assert outcomes["deleted while editing"] > 0
    assert "Traceback" not in log
    assert not re.search(r'HTTP/1\.1" 5\d\d ', log)
