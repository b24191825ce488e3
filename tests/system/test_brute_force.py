"""Password guessing against a real multi-worker gunicorn meets a shared rate limit."""

import json
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from http import HTTPStatus
from urllib.parse import urlencode

from benchmarks.servers import create_user, gunicorn, sqlite_url
from tests.system.clients import HttpClient
from tests.system.figures import record_figures
from tests.system.postgres import database_of_this_pass

WORKERS = 4
ATTEMPTS = 10
# Long enough for ten password checks (about a second each on two busy cores) to finish
# inside one window, short enough that the test can wait for the window to close.
WINDOW_SECONDS = 20
GUESSES = 16
PASSWORD = "correct horse battery"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _is_a_new_token(reply, earlier: str) -> bool:
    """A login's answer: a token of the same kind as `earlier`, not that one (knox makes a
    new token per login), and its expiry."""
    body = reply.json()
    return (
        set(body) == {"token", "expiry"}
        and len(body["token"]) == len(earlier) != 0
        and (body["token"] != earlier)
    )


def _token_attempt(
    base_url: str, password: str, source: str = "127.0.0.1", forwarded_for: str | None = None
):
    body = urlencode({"username": "victim", "password": password})
    headers = FORM if forwarded_for is None else {**FORM, "X-Forwarded-For": forwarded_for}
    return HttpClient(base_url, source_address=source).request(
        "POST", "/auth/token/", body, headers
    )


def test_eleventh_login_attempt_is_refused_until_the_window_closes(tmp_path):
    url = sqlite_url(tmp_path / "db.sqlite3")
    settings = {
        "DJANGO_LOGIN_ATTEMPTS": str(ATTEMPTS),
        "DJANGO_LOGIN_WINDOW_SECONDS": str(WINDOW_SECONDS),
    }

    with gunicorn(url, tmp_path / "gunicorn.log", workers=WORKERS, **settings) as server:
        token = create_user(url, "victim", PASSWORD, staff=True)
        started = time.monotonic()
        # Concurrent guesses land on every worker; the count is shared, and exact.
        with ThreadPoolExecutor(GUESSES) as pool:
            guesses = list(
                pool.map(lambda n: _token_attempt(server.url, f"guess {n}"), range(GUESSES))
            )
        right_password = _token_attempt(server.url, PASSWORD)
        forged_address = _token_attempt(server.url, PASSWORD, forwarded_for="10.9.8.7")
        admin_login = HttpClient(server.url).request(
            "POST", "/admin/login/", urlencode({"username": "victim", "password": PASSWORD}), FORM
        )
        browsable_login = HttpClient(server.url).request(
            "POST",
            "/api-auth/login/",
            urlencode({"username": "victim", "password": PASSWORD}),
            FORM,
        )
        refused_within = time.monotonic() - started
        other_client = _token_attempt(server.url, PASSWORD, source="127.0.0.2")
        time.sleep(int(right_password.headers.get("retry-after", "0")) + 0.5)
        after_window = _token_attempt(server.url, PASSWORD)

    statuses = sorted(reply.status for reply in guesses)
    record_figures(
        "brute_force",
        {
            "gunicorn_workers": WORKERS,
            "limit": f"{ATTEMPTS} attempts per {WINDOW_SECONDS} s per client address",
            "concurrent_wrong_guesses": GUESSES,
            "guess_statuses": {str(s): statuses.count(s) for s in sorted(set(statuses))},
            "right_password_11th_attempt": right_password.status,
            "retry_after_seconds": int(right_password.headers.get("retry-after", "0")),
            "forged_x_forwarded_for": forged_address.status,
            "admin_login_after_limit": admin_login.status,
            "browsable_api_login_after_limit": browsable_login.status,
            "other_client_address": other_client.status,
            "right_password_after_window": after_window.status,
            "seconds_until_refusals_checked": round(refused_within, 1),
        },
    )
    assert refused_within < WINDOW_SECONDS, "the checks below ran past the window"
    assert statuses == [HTTPStatus.BAD_REQUEST] * ATTEMPTS + [HTTPStatus.TOO_MANY_REQUESTS] * (
        GUESSES - ATTEMPTS
    )
    for reply in [*guesses[ATTEMPTS:], right_password, forged_address]:
        if reply.status == HTTPStatus.TOO_MANY_REQUESTS:
            assert 0 < int(reply.headers["retry-after"]) <= WINDOW_SECONDS
            assert json.loads(reply.body)["detail"].startswith("Request was throttled.")
    assert right_password.status == HTTPStatus.TOO_MANY_REQUESTS
    assert "token" not in right_password.json()
    assert forged_address.status == HTTPStatus.TOO_MANY_REQUESTS
    assert admin_login.status == HTTPStatus.TOO_MANY_REQUESTS
    assert "Retry-After".lower() in admin_login.headers
    assert browsable_login.status == HTTPStatus.TOO_MANY_REQUESTS
    assert other_client.status == HTTPStatus.OK
    assert _is_a_new_token(other_client, token)
    assert after_window.status == HTTPStatus.OK
    assert _is_a_new_token(after_window, token)


# Three spellings of addresses in one IPv6 /64, as a proxy might write them.
SPELLINGS = ["2001:db8:abcd:12::{:x}", "[2001:DB8:ABCD:12:0:0:0:{:X}]", "2001:db8:abcd:12::1:{:x}"]
NETWORK_GUESSES = 40


def test_guesses_from_forty_addresses_of_one_ipv6_64_through_a_trusted_proxy_get_ten(tmp_path):
    settings = {
        "DJANGO_LOGIN_ATTEMPTS": str(ATTEMPTS),
        "DJANGO_LOGIN_WINDOW_SECONDS": "300",
        "DJANGO_NUM_PROXIES": "1",
        "DJANGO_TRUSTED_PROXIES": "127.0.0.1",  # the test plays the proxy from here
    }
    with ExitStack() as stack:
        url = stack.enter_context(database_of_this_pass(tmp_path))
        server = stack.enter_context(
            gunicorn(url, tmp_path / "gunicorn.log", workers=WORKERS, **settings)
        )
        token = create_user(url, "victim", PASSWORD, staff=True)

        def through_proxy(n: int):
            # The client forged the first entry; the proxy appended the address it saw.
            forwarded = f"198.51.100.{n}, {SPELLINGS[n % 3].format(n + 1)}"
            return _token_attempt(server.url, f"guess {n}", forwarded_for=forwarded)

        with ThreadPoolExecutor(8) as pool:
            guesses = list(pool.map(through_proxy, range(NETWORK_GUESSES)))
        same_network = _token_attempt(
            server.url, PASSWORD, forwarded_for="2001:db8:abcd:12:ffff:ffff:ffff:ffff"
        )
        next_network = _token_attempt(server.url, PASSWORD, forwarded_for="2001:db8:abcd:13::1")
        # A client that reaches the app directly names a new address on every attempt.
        direct = [
            _token_attempt(
                server.url, f"direct {n}", source="127.0.0.2", forwarded_for=f"192.0.2.{n}"
            )
            for n in range(ATTEMPTS + 1)
        ]
        log = server.log()

    statuses = sorted(reply.status for reply in guesses)
    direct_statuses = [reply.status for reply in direct]
    record_figures(
        "brute_force_networks",
        {
            "database": "postgresql" if url.startswith("postgres") else "sqlite",
            "gunicorn_workers": WORKERS,
            "limit": f"{ATTEMPTS} attempts per 300 s per client",
            "guesses_from_one_ipv6_64": NETWORK_GUESSES,
            "guess_statuses": {str(s): statuses.count(s) for s in sorted(set(statuses))},
            "right_password_same_64": same_network.status,
            "right_password_next_64": next_network.status,
            "direct_client_rotating_x_forwarded_for": {
                str(s): direct_statuses.count(s) for s in sorted(set(direct_statuses))
            },
        },
    )
    assert statuses == [HTTPStatus.BAD_REQUEST] * ATTEMPTS + [HTTPStatus.TOO_MANY_REQUESTS] * (
        NETWORK_GUESSES - ATTEMPTS
    )
    assert same_network.status == HTTPStatus.TOO_MANY_REQUESTS
    assert next_network.status == HTTPStatus.OK
    assert _is_a_new_token(next_network, token)
    assert direct_statuses == [HTTPStatus.BAD_REQUEST] * ATTEMPTS + [HTTPStatus.TOO_MANY_REQUESTS]
    assert "Traceback" not in log
