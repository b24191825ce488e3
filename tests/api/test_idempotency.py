import json
import threading
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.exceptions import ValidationError
from rest_framework.test import APIClient

from heroes.api.idempotency import parse_key
from heroes.api.serializers import HeroSerializer
from heroes.models import Hero, IdempotencyKey
from tests.factories import LIST_URL, SECRET, api_token, detail_url, make_hero, needs_row_locks

BODY = {"name": "Deadpond", "age": 30, "secret_name": SECRET}
KEY = "8e03978e-40d5-43e8-bc93-6894a57f9324"


def _post(client, body=BODY, key: str | None = KEY, **extra):
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(LIST_URL, body, format="json", **extra)


def _heroes() -> list[tuple]:
    return list(Hero.objects.values_list("name", "age", "secret_name"))


def test_retry_replays_the_first_answer_and_creates_nothing(writer_client):
    first = _post(writer_client)
    retry = _post(writer_client)

    assert first.status_code == HTTPStatus.CREATED
    assert "Idempotent-Replayed" not in first.headers
    assert retry.status_code == HTTPStatus.CREATED
    assert retry.content == first.content  # byte for byte, on PostgreSQL too
    assert retry.headers["Idempotent-Replayed"] == "true"
    hero_id = first.json()["id"]
    for answer in (first, retry):
        assert answer.headers["Location"] == f"http://testserver{detail_url(hero_id)}"
        assert answer.headers["ETag"] == '"1"'
    assert _heroes() == [("Deadpond", 30, SECRET)]


def test_retry_for_the_browsable_api_replays_without_etag(writer_client):
    _post(writer_client)

    retry = _post(writer_client, HTTP_ACCEPT="text/html")

    assert retry.status_code == HTTPStatus.CREATED
    assert retry.headers["Content-Type"].startswith("text/html")
    assert "ETag" not in retry.headers
    assert len(_heroes()) == 1


def test_retry_of_a_form_body_replays(writer_client):
    first = writer_client.post(LIST_URL, BODY, HTTP_IDEMPOTENCY_KEY=KEY)
    retry = writer_client.post(LIST_URL, BODY, HTTP_IDEMPOTENCY_KEY=KEY)

    assert first.status_code == HTTPStatus.CREATED
    assert (retry.status_code, retry.json()) == (HTTPStatus.CREATED, first.json())
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert len(_heroes()) == 1


def test_quoted_and_bare_forms_name_the_same_key(writer_client):
    first = _post(writer_client, key=f'"{KEY}"')
    retry = _post(writer_client, key=KEY)

    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert IdempotencyKey.objects.get().key == KEY


def test_same_key_with_another_body_is_refused_and_stores_nothing(writer_client):
    first = _post(writer_client)

    response = _post(writer_client, {**BODY, "age": 31})

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert list(response.json()) == ["detail"]
    assert "Idempotency-Key" in response.json()["detail"]
    assert "Idempotent-Replayed" not in response.headers
    assert _heroes() == [("Deadpond", 30, SECRET)]
    assert json.loads(IdempotencyKey.objects.get().body) == first.json()


def test_same_key_in_the_same_fields_in_another_order_replays(writer_client):
    first = _post(writer_client)

    retry = _post(writer_client, dict(reversed(BODY.items())))

    assert (retry.status_code, retry.json()) == (HTTPStatus.CREATED, first.json())


def test_keys_belong_to_their_user(writer_client, user_with_permissions):
    other_client = user_with_permissions("add_hero")

    mine = _post(writer_client)
    theirs = _post(other_client)

    assert (mine.status_code, theirs.status_code) == (HTTPStatus.CREATED, HTTPStatus.CREATED)
    assert mine.json()["id"] != theirs.json()["id"]
    assert "Idempotent-Replayed" not in theirs.headers
    assert len(_heroes()) == 2
    assert IdempotencyKey.objects.count() == 2


@pytest.mark.parametrize(
    "key",
    [
        "",
        "   ",
        '""',
        '"unterminated',
        '"bad \\escape"',
        '"inner " quote"',
        "x" * 256,
        f'"{"x" * 256}"',
        "caf\u00e9",
        "tab\tinside",
    ],
)
def test_malformed_key_is_refused_naming_the_header(writer_client, key):
    response = _post(writer_client, key=key)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == ["Idempotency-Key"]
    assert "Idempotency-Key" in response.json()["Idempotency-Key"][0]
    assert _heroes() == []
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize(
    ("value", "key"),
    [
        (KEY, KEY),
        (f'"{KEY}"', KEY),
        (f'  "{KEY}" ', KEY),
        ("x" * 255, "x" * 255),
        ('"say \\"hi\\" \\\\o/"', 'say "hi" \\o/'),
        ("with spaces inside", "with spaces inside"),
        ("~", "~"),
    ],
)
def test_key_is_a_structured_field_string_or_a_bare_token(value, key):
    assert parse_key(value) == key


def test_a_key_with_the_longest_length_is_stored(writer_client):
    response = _post(writer_client, key="k" * 255)

    assert response.status_code == HTTPStatus.CREATED
    assert IdempotencyKey.objects.get().key == "k" * 255


def test_malformed_key_message_names_the_header():
    with pytest.raises(ValidationError) as raised:
        parse_key("")

    assert "Idempotency-Key" in str(raised.value.detail["Idempotency-Key"][0])


def test_expired_key_counts_as_new(writer_client):
    first = _post(writer_client)
    expired = IdempotencyKey.objects.get()
    expired.created -= timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL + 1)
    expired.save()

    # Even with another body: the old request is forgotten, so this one is new.
    response = _post(writer_client, {**BODY, "age": 31})

    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["id"] != first.json()["id"]
    assert "Idempotent-Replayed" not in response.headers
    assert sorted(_heroes()) == [("Deadpond", 30, SECRET), ("Deadpond", 31, SECRET)]
    stored = IdempotencyKey.objects.get()  # replaced, not added
    assert json.loads(stored.body) == response.json()
    assert stored.created > expired.created


def test_key_still_in_its_ttl_replays(writer_client, settings):
    settings.IDEMPOTENCY_KEY_TTL = 60
    _post(writer_client)
    stored = IdempotencyKey.objects.get()
    stored.created -= timedelta(seconds=59)
    stored.save()

    retry = _post(writer_client)

    assert retry.headers["Idempotent-Replayed"] == "true"
    assert len(_heroes()) == 1


def test_refused_first_attempt_stores_nothing_and_the_key_may_be_reused(writer_client):
    refused = _post(writer_client, {**BODY, "name": ""})

    corrected = _post(writer_client)

    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert corrected.status_code == HTTPStatus.CREATED
    assert "Idempotent-Replayed" not in corrected.headers
    assert _heroes() == [("Deadpond", 30, SECRET)]


def test_key_without_add_permission_is_refused_as_before(reader_client):
    response = _post(reader_client)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not IdempotencyKey.objects.exists()


def test_key_table_holds_no_secret_name(writer_client):
    _post(writer_client)

    stored = IdempotencyKey.objects.values().get()

    assert SECRET not in str(stored)
    assert len(stored["fingerprint"]) == 64


def test_post_without_key_is_unchanged_and_never_reads_the_key_table(writer_client):
    make_hero()
    with CaptureQueriesContext(connection) as queries:
        first = _post(writer_client, key=None)
    second = _post(writer_client, key=None)

    assert (first.status_code, second.status_code) == (HTTPStatus.CREATED, HTTPStatus.CREATED)
    assert "Idempotent-Replayed" not in second.headers
    assert len(_heroes()) == 3
    assert not any(IdempotencyKey._meta.db_table in query["sql"] for query in queries)
    assert not IdempotencyKey.objects.exists()


def _first_request_paused(monkeypatch, user, *, then_fail: bool):
    """Sends two keyed POSTs at once; the first pauses inside its transaction, hero inserted."""
    token = api_token(user)
    clients = [APIClient(), APIClient()]  # one each: test clients are not thread-safe
    for client in clients:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    inside, release = threading.Event(), threading.Event()
    create = HeroSerializer.create

    def paused_create(self, validated_data):
        hero = create(self, validated_data)
        if threading.current_thread().name == "first":
            inside.set()
            release.wait(10)
            if then_fail:
                raise ValidationError({"name": ["Refused on purpose."]})
        return hero

    monkeypatch.setattr(HeroSerializer, "create", paused_create)
    answers = {}
    first = _in_thread("first", lambda: _post(clients[0]), answers)
    assert inside.wait(10)
    second = _in_thread("second", lambda: _post(clients[1]), answers)
    second.join(0.5)
    waited = second.is_alive()
    release.set()
    for thread in (first, second):
        thread.join(10)
    assert waited  # for the first transaction to end
    return answers["first"], answers["second"]


def _in_thread(name: str, call, answers: dict) -> threading.Thread:
    def run():
        try:
            answers[name] = call()
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_concurrent_retry_waits_for_the_first_and_replays_it(writer, monkeypatch):
    first, second = _first_request_paused(monkeypatch, writer, then_fail=False)

    assert first.status_code == HTTPStatus.CREATED
    assert (second.status_code, second.json()) == (HTTPStatus.CREATED, first.json())
    assert second.headers["Idempotent-Replayed"] == "true"
    assert len(_heroes()) == 1


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_concurrent_retry_after_a_first_that_rolled_back_is_processed(writer, monkeypatch):
    first, second = _first_request_paused(monkeypatch, writer, then_fail=True)

    assert first.status_code == HTTPStatus.BAD_REQUEST
    assert second.status_code == HTTPStatus.CREATED
    assert "Idempotent-Replayed" not in second.headers
    assert _heroes() == [("Deadpond", 30, SECRET)]
    assert json.loads(IdempotencyKey.objects.get().body) == second.json()
