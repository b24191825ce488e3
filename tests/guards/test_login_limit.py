from datetime import timedelta
from http import HTTPStatus
from ipaddress import ip_network

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from heroes.guards.login_limit import locked_until, record_attempt
from heroes.models import LoginAttempts

TOKEN_URL = reverse("api-token")
RIGHT = {"username": "writer", "password": "correct horse battery"}
WRONG = {"username": "writer", "password": "nope"}


@pytest.fixture(autouse=True)
def _three_attempts_a_minute(settings):
    settings.LOGIN_ATTEMPTS = 3
    settings.LOGIN_WINDOW_SECONDS = 60


def _token(client: Client, body: dict, **extra):
    return client.post(TOKEN_URL, body, content_type="application/json", **extra)


def test_obtain_token_past_the_limit_is_refused_even_with_the_right_password(writer):
    client = Client()
    answers = [_token(client, WRONG).status_code for _ in range(3)]

    refused = _token(client, RIGHT)

    assert answers == [HTTPStatus.BAD_REQUEST] * 3
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 58 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"].startswith("Request was throttled.")
    assert LoginAttempts.objects.get().attempts == 3


def test_obtain_token_after_the_window_is_allowed_again(writer):
    client = Client()
    for _ in range(3):
        _token(client, WRONG)
    LoginAttempts.objects.update(window_start=timezone.now() - timedelta(seconds=60))

    response = _token(client, RIGHT)

    assert response.status_code == HTTPStatus.OK
    assert LoginAttempts.objects.get().attempts == 1


@pytest.mark.parametrize("login", ["admin:login", "rest_framework:login"])
def test_login_pages_share_the_limit_with_the_token_endpoint(writer, login):
    client = Client()
    for _ in range(2):
        _token(client, WRONG)
    third = client.post(reverse(login), RIGHT)

    fourth = client.post(reverse(login), RIGHT)

    assert third.status_code != HTTPStatus.TOO_MANY_REQUESTS  # the third attempt is heard
    assert fourth.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert fourth["Content-Type"] == "text/plain; charset=utf-8"
    assert 58 <= int(fourth["Retry-After"]) <= 60
    assert "Too many login attempts" in fourth.content.decode()
    assert _token(client, RIGHT).status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_showing_a_login_page_is_not_an_attempt(writer):
    client = Client()
    for _ in range(5):
        assert client.get(reverse("admin:login")).status_code == HTTPStatus.OK

    assert _token(client, RIGHT).status_code == HTTPStatus.OK


def test_each_client_address_has_its_own_limit(writer):
    for _ in range(3):
        _token(Client(REMOTE_ADDR="10.0.0.1"), WRONG)

    assert _token(Client(REMOTE_ADDR="10.0.0.1"), RIGHT).status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert _token(Client(REMOTE_ADDR="10.0.0.2"), RIGHT).status_code == HTTPStatus.OK


def test_forged_x_forwarded_for_is_ignored_by_default(writer):
    for n in range(3):
        _token(Client(), WRONG, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    assert _token(Client(), RIGHT, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


@pytest.fixture
def behind_a_proxy(settings):
    """One proxy in front, connecting from 127.0.0.1, the test client's address."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.TRUSTED_PROXIES = [ip_network("127.0.0.1")]


@pytest.mark.usefixtures("behind_a_proxy")
def test_x_forwarded_for_names_the_client_behind_trusted_proxies(writer):
    for _ in range(3):
        _token(Client(), WRONG, HTTP_X_FORWARDED_FOR="198.51.100.7, 192.0.2.1")

    # The proxy appended the address it saw: the last entry is the client.
    assert _token(Client(), RIGHT, HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429
    assert _token(Client(), RIGHT, HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 200


def test_guesses_from_every_address_of_one_ipv6_64_share_one_limit(writer):
    statuses = [
        _token(Client(REMOTE_ADDR=f"2001:db8:1:2::{n:x}"), WRONG).status_code for n in range(40)
    ]

    assert statuses == [HTTPStatus.BAD_REQUEST] * 3 + [HTTPStatus.TOO_MANY_REQUESTS] * 37
    assert list(LoginAttempts.objects.values_list("client", "attempts")) == [
        ("2001:db8:1:2::/64", 3)
    ]
    assert _token(Client(REMOTE_ADDR="2001:db8:1:3::1"), RIGHT).status_code == HTTPStatus.OK


@pytest.mark.usefixtures("behind_a_proxy")
def test_guesses_through_a_proxy_from_one_ipv6_64_share_one_limit(writer):
    spellings = ["2001:db8:1:2::{:x}", "[2001:DB8:1:2::{:X}]", "2001:db8:1:2:0:0:0:{:x}"]
    statuses = [
        _token(Client(), WRONG, HTTP_X_FORWARDED_FOR=spellings[n % 3].format(n)).status_code
        for n in range(40)
    ]

    assert statuses == [HTTPStatus.BAD_REQUEST] * 3 + [HTTPStatus.TOO_MANY_REQUESTS] * 37
    assert LoginAttempts.objects.get().client == "2001:db8:1:2::/64"


def test_ipv4_mapped_ipv6_counts_as_the_ipv4_address(writer):
    for _ in range(3):
        _token(Client(REMOTE_ADDR="::ffff:192.0.2.1"), WRONG)

    refused = _token(Client(REMOTE_ADDR="192.0.2.1"), RIGHT)

    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS


@pytest.mark.usefixtures("behind_a_proxy")
@pytest.mark.parametrize(
    "forwarded_for", ["", "unknown", "192.0.2.1, \x00\xff", "[::1", "1" * 5000]
)
def test_malformed_x_forwarded_for_counts_as_the_proxy_and_answers_4xx(writer, forwarded_for):
    answers = [_token(Client(), WRONG, HTTP_X_FORWARDED_FOR=forwarded_for) for _ in range(4)]

    statuses = [answer.status_code for answer in answers]
    assert statuses == [HTTPStatus.BAD_REQUEST] * 3 + [HTTPStatus.TOO_MANY_REQUESTS]
    assert LoginAttempts.objects.get().client == "127.0.0.1"


def test_record_attempt_forgets_closed_windows(db):
    old = timezone.now() - timedelta(seconds=61)
    LoginAttempts.objects.create(client="192.0.2.1", window_start=old, attempts=3)

    assert record_attempt("192.0.2.2") is None
    assert list(LoginAttempts.objects.values_list("client", "attempts")) == [("192.0.2.2", 1)]


def test_locked_until_is_the_window_end_once_the_limit_is_used_up(db):
    for _ in range(3):
        assert record_attempt("192.0.2.1") is None
    row = LoginAttempts.objects.get()
    now = timezone.now()

    wait_seconds = record_attempt("192.0.2.1")
    until = locked_until(row.window_start, row.attempts, now)

    assert until == row.window_start + timedelta(seconds=60)
    # As the refusal said: that many seconds from its attempt.
    assert abs((until - now).total_seconds() - wait_seconds) < 1


def test_locked_until_is_none_below_the_limit(db):
    now = timezone.now()

    assert locked_until(now, 2, now) is None
    assert locked_until(now, 0, now) is None


def test_locked_until_is_none_once_the_window_has_closed(db):
    start = timezone.now() - timedelta(seconds=60)
    LoginAttempts.objects.create(client="192.0.2.1", window_start=start, attempts=3)

    assert locked_until(start, 3, start + timedelta(seconds=60)) is None
    assert locked_until(start, 3, start + timedelta(seconds=59)) == start + timedelta(seconds=60)
    assert record_attempt("192.0.2.1") is None  # as the attempt finds it: allowed again


@pytest.mark.parametrize("method", ["options", "get", "head", "put", "delete"])
def test_non_login_requests_to_token_endpoint_spend_no_attempts(writer, method):
    client = Client()
    for _ in range(5):
        getattr(client, method)(TOKEN_URL)

    allowed = _token(client, RIGHT)

    assert allowed.status_code == HTTPStatus.OK
    assert LoginAttempts.objects.get().attempts == 1
