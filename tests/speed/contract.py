"""The API's contract as a list of answers, to compare one way of running it with another.

`answers()` sends the same requests, in the same order, from the same database state, and
returns what a client sees of each (status, body, the headers clients act on), then what
is stored: heroes, their versions and their history.
"""

from datetime import UTC, datetime, timedelta
from unittest import mock

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from heroes.models import Hero, IdempotencyKey
from tests.factories import LIST_URL, SECRET, api_token, detail_url
from tests.speed.switching import reset_sequences

ORIGIN = "https://app.example.com"
NOW = datetime(2024, 5, 17, 12, 0, tzinfo=UTC)
HEROES = [
    ("Deadpond", None),
    ("Rusty-Man", 48),
    ("Spider-Boy", 16),
    ("Dormammu", 30),
    ("Tarantula", 30),
    ("Black Lion", 31),
    ("Ünïcødé \u2028 Man", 0),
]
HEADERS = (
    "ETag",
    "Location",
    "Link",
    "Content-Type",
    "Vary",
    "Allow",
    "WWW-Authenticate",
    "Idempotent-Replayed",
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
)
LISTS = [
    {},
    {"age": "30"},
    {"age__gte": "30", "age__lte": "31"},
    {"age__gte": "30"},
    {"age__isnull": "true"},
    {"age__isnull": "false", "ordering": "name"},
    {"search": "Dor"},
    {"ordering": "-age"},
    {"limit": "2", "offset": "1"},
    {"name": "Dormammu", "ordering": "-name"},
    {"age": "old"},
]
# Lists walked to the end by their `next` links (cursors), then back by `previous`.
WALKS = [
    {"limit": "2"},
    {"limit": "2", "ordering": "-age"},
    {"limit": "3", "ordering": "name", "age__gte": "16"},
    {"limit": "2", "ordering": "age", "age__isnull": "false"},
]


def seed(writer: User, reader: User) -> dict[str, str]:
    """The heroes, and tokens for the users: the state every run starts from.

    Returns the tokens by name: each user's, and one of the writer's that expired before NOW.
    """
    Hero.objects.bulk_create(Hero(name=name, age=age, secret_name=SECRET) for name, age in HEROES)
    _, expired = AuthToken.objects.create(writer, expiry=NOW - timezone.now() - timedelta(days=1))
    return {"writer": api_token(writer), "reader": api_token(reader), "expired": expired}


def answers(writer: User, reader: User, tokens: dict[str, str]) -> dict[str, list]:
    """The contract's answers, and what it stored; everything it wrote is rolled back."""
    reset_sequences(Hero, Hero.history.model, IdempotencyKey)
    # One clock for both runs: history entries show when they were written.
    with transaction.atomic(), mock.patch("django.utils.timezone.now", return_value=NOW):
        seen = {"answers": _requests(writer, reader, tokens), "stored": _stored()}
        transaction.set_rollback(True)
    reset_sequences(Hero, Hero.history.model, IdempotencyKey)
    return seen


def _client(user: User | None = None, session: bool = False, token: str = "") -> APIClient:
    client = APIClient()
    if session:
        client.force_login(user)
    elif token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _seen(label: str, response) -> tuple[str, int, dict[str, str], bytes]:
    headers = {name: response[name] for name in HEADERS if response.has_header(name)}
    return label, response.status_code, headers, response.content


def _requests(writer: User, reader: User, tokens: dict[str, str]) -> list:
    anonymous, writing = _client(), _client(token=tokens["writer"])
    reading, expired = _client(token=tokens["reader"]), _client(token=tokens["expired"])
    by_session = _client(writer, session=True)
    first, second, third = Hero.objects.order_by("pk")[:3]
    seen = []

    def send(label: str, client: APIClient, method: str, url: str, data=None, **extra):
        response = getattr(client, method)(url, data, format="json" if data else None, **extra)
        seen.append(_seen(label, response))
        return response

    for parameters in LISTS:
        send(f"list {parameters}", anonymous, "get", LIST_URL, parameters)
    for parameters in WALKS:
        url = send(f"walk {parameters}", anonymous, "get", LIST_URL, parameters).json()["next"]
        last = None
        while url:
            last, url = url, send(f"walk {parameters}", anonymous, "get", url).json()["next"]
        while last:
            last = send(f"walk back {parameters}", anonymous, "get", last).json()["previous"]
    etag = send("list", anonymous, "get", LIST_URL)["ETag"]
    send("list not modified", anonymous, "get", LIST_URL, HTTP_IF_NONE_MATCH=etag)
    etag = send("one", anonymous, "get", detail_url(first.pk))["ETag"]
    send("one not modified", anonymous, "get", detail_url(first.pk), HTTP_IF_NONE_MATCH=etag)
    send("one missing", anonymous, "get", detail_url(424242))
    send("one misspelled", anonymous, "get", detail_url(f"+{first.pk}"))
    send("one by token", reading, "get", detail_url(first.pk))
    send("one by session", by_session, "get", detail_url(first.pk))
    send("one from an origin", anonymous, "get", detail_url(first.pk), HTTP_ORIGIN=ORIGIN)
    send(
        "preflight",
        anonymous,
        "options",
        LIST_URL,
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    new = {"name": "Newcomer", "age": 20, "secret_name": SECRET}
    send("create anonymously", anonymous, "post", LIST_URL, new)
    send("create without permission", reading, "post", LIST_URL, new)
    send("create invalid", writing, "post", LIST_URL, {"name": "", "age": -1})
    send("create", writing, "post", LIST_URL, new, HTTP_ORIGIN=ORIGIN)
    for label in ("create with a key", "create replayed"):
        send(label, writing, "post", LIST_URL, new, HTTP_IDEMPOTENCY_KEY="key-1")
    replaced = {"name": "Replaced", "secret_name": SECRET}
    etag = send("put", writing, "put", detail_url(first.pk), replaced)["ETag"]
    send("patch", writing, "patch", detail_url(first.pk), {"age": 7}, HTTP_IF_MATCH=etag)
    send("patch stale", writing, "patch", detail_url(first.pk), {"age": 8}, HTTP_IF_MATCH=etag)
    send("patch invalid", writing, "patch", detail_url(first.pk), {"age": "seven"})
    send("patch by session", by_session, "patch", detail_url(second.pk), {"name": "Session"})
    send("patch missing", writing, "patch", detail_url(424242), {"age": 1})
    send("delete", writing, "delete", detail_url(third.pk))
    send("deleted", anonymous, "get", detail_url(third.pk))
    send("delete again", writing, "delete", detail_url(third.pk))
    send("history", writing, "get", reverse("hero-history", args=[first.pk]))
    send("list afterwards", anonymous, "get", LIST_URL)
    send("create with an expired token", expired, "post", LIST_URL, new)
    seen.append(_login(anonymous))
    for label, client, url in [
        ("log out", writing, "api-logout"),
        ("log out again", writing, "api-logout"),
        ("log out all", reading, "api-logout-all"),
        ("log out all without a token", by_session, "api-logout-all"),
    ]:
        send(label, client, "post", reverse(url))
    send("create logged out", writing, "post", LIST_URL, new)
    seen.append(_page("one as HTML", anonymous, detail_url(first.pk), "Replaced"))
    seen.append(_page("list as HTML", by_session, LIST_URL, "Rusty-Man"))
    return seen


def _login(client: APIClient) -> tuple:
    """The token endpoint's answer: all but the token, new and random in each run."""
    credentials = {"username": "writer", "password": "correct horse battery"}
    response = client.post(reverse("api-token"), credentials, format="json")
    body = response.json()
    return "log in", response.status_code, body["expiry"], len(body["token"])


def _page(label: str, client: APIClient, url: str, shown: str) -> tuple:
    """The browsable API's page: status, type, and that it shows the hero and a form.

    Not its bytes: each page holds a CSRF token of its own.
    """
    response = client.get(url, HTTP_ACCEPT="text/html")
    page = response.content.decode()
    headers = {"Content-Type": response["Content-Type"]}
    return label, response.status_code, headers, (shown in page, "<form" in page)


def _stored() -> list:
    return [
        list(Hero.objects.order_by("pk").values_list()),
        list(
            Hero.history.order_by("history_id").values_list(
                "history_id",
                "id",
                "name",
                "age",
                "secret_name",
                "version",
                "history_type",
                "history_user_id",
                "history_command",
            )
        ),
        list(IdempotencyKey.objects.values_list("user_id", "key", "status", "body", "headers")),
        sorted(AuthToken.objects.values_list("user_id", "expiry")),
    ]
