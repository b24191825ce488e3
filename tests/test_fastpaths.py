"""The fast paths answer as DRF does: the same requests sent both ways, then compared."""

import json
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from heroes.fastpaths import Lane
from heroes.models import AGE_MAX, NAME_MAX_LENGTH, Hero
from heroes.serializers import HeroSerializer
from heroes.views import HeroViewSet
from tests.conftest import SECRET

LIST_URL = reverse("hero-list")
STORED = ("name", "age", "secret_name")
GOOD_BODY = {"name": "Deadpond", "age": 30, "secret_name": SECRET}


def detail_url(pk) -> str:
    return reverse("hero-detail", args=[pk])


def _send(client: APIClient, settings, fast: bool, method: str, url: str, body, **extra):
    settings.HERO_FAST_PATHS = fast
    if isinstance(body, (dict, list)) or body is None:
        body = b"" if body is None else json.dumps(body)
    if method != "get":
        extra.setdefault("content_type", "application/json")
    response = getattr(client, method)(url, body, **extra)
    return response.status_code, response.content, dict(response.headers)


def _stored(pk) -> tuple | None:
    return Hero.objects.filter(pk=pk).values_list(*STORED).first()


def _without_id(content: bytes) -> object:
    if content.lstrip().startswith(b"<!DOCTYPE html>"):
        return "HTML"  # the browsable API's forms carry a fresh CSRF token each time
    try:
        data = json.loads(content)
    except ValueError:
        return content
    if isinstance(data, dict):
        data.pop("id", None)
    return data


def _without_length(headers: dict) -> dict:
    # The two heroes' ids, and so the bodies' lengths, may differ.
    return {name: value for name, value in headers.items() if name != "Content-Length"}


@pytest.fixture
def drf_calls(monkeypatch) -> list[str]:
    """The requests that reached DRF's dispatch."""
    calls = []
    dispatch = HeroViewSet.dispatch

    def counting(self, request, *args, **kwargs):
        calls.append(request.method)
        return dispatch(self, request, *args, **kwargs)

    monkeypatch.setattr(HeroViewSet, "dispatch", counting)
    return calls


def _patch_both_ways(client, settings, make_hero, body, **extra):
    """PATCHes two identical heroes, one each way; returns both answers and stored rows."""
    answers = []
    for fast in (False, True):
        hero = make_hero(name="Deadpond", age=30)
        status, content, headers = _send(
            client, settings, fast, "patch", detail_url(hero.pk), body, **extra
        )
        answers.append((status, _without_id(content), _without_length(headers), _stored(hero.pk)))
    return answers


def _create_both_ways(client, settings, body, **extra):
    """POSTs the same body each way; returns both answers and the row each stored."""
    answers = []
    for fast in (False, True):
        before = set(Hero.objects.values_list("pk", flat=True))
        status, content, headers = _send(client, settings, fast, "post", LIST_URL, body, **extra)
        created = set(Hero.objects.values_list("pk", flat=True)) - before
        rows = [_stored(pk) for pk in created]
        answers.append((status, _without_id(content), _without_length(headers), rows))
    return answers


def test_read_hero_skips_drf(api_client, make_hero, drf_calls):
    hero = make_hero(name="Deadpond", age=30)

    response = api_client.get(detail_url(hero.pk), HTTP_ACCEPT="application/json")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"id": hero.pk, "name": "Deadpond", "age": 30}
    assert drf_calls == []


def test_read_hero_with_fast_paths_off_goes_to_drf(api_client, make_hero, settings, drf_calls):
    settings.HERO_FAST_PATHS = False
    hero = make_hero(name="Deadpond", age=30)

    response = api_client.get(detail_url(hero.pk), HTTP_ACCEPT="application/json")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"id": hero.pk, "name": "Deadpond", "age": 30}
    assert drf_calls == ["GET"]


@pytest.mark.parametrize("accept", [None, "application/json", "*/*"])
def test_read_hero_answers_as_drf(api_client, make_hero, settings, accept):
    hero = make_hero(name="Deadpond \u2028 Line", age=None)
    extra = {} if accept is None else {"HTTP_ACCEPT": accept}

    drf = _send(api_client, settings, False, "get", detail_url(hero.pk), None, **extra)
    fast = _send(api_client, settings, True, "get", detail_url(hero.pk), None, **extra)

    assert drf[0] == HTTPStatus.OK
    assert fast == drf


@pytest.mark.parametrize(
    "extra",
    [
        {"HTTP_ACCEPT": "text/html"},
        {"HTTP_ACCEPT": "application/json; indent=4"},
        {"HTTP_AUTHORIZATION": "Token not-a-token"},
        {"QUERY_STRING": "format=json"},
    ],
    ids=["html", "indent", "bad-token", "format"],
)
def test_read_hero_other_requests_go_to_drf(api_client, make_hero, settings, drf_calls, extra):
    hero = make_hero()

    drf = _send(api_client, settings, False, "get", detail_url(hero.pk), None, **extra)
    fast = _send(api_client, settings, True, "get", detail_url(hero.pk), None, **extra)

    # Not byte for byte: the browsable API's forms carry a fresh CSRF token each time.
    assert fast[0] == drf[0]
    assert fast[2]["Content-Type"] == drf[2]["Content-Type"]
    assert drf_calls == ["GET", "GET"]


def test_read_hero_not_found_answers_as_drf(db, api_client, settings):
    drf = _send(api_client, settings, False, "get", detail_url(424242), None)
    fast = _send(api_client, settings, True, "get", detail_url(424242), None)

    assert drf[0] == HTTPStatus.NOT_FOUND
    assert fast == drf
    assert json.loads(fast[1]) == {"detail": "Hero not found"}


def test_create_hero_skips_drf(writer_client, drf_calls):
    response = writer_client.post(
        LIST_URL, {"name": "Deadpond", "age": 30, "secret_name": SECRET}, format="json"
    )

    assert response.status_code == HTTPStatus.CREATED
    hero = Hero.objects.get()
    assert response.json() == {"id": hero.pk, "name": "Deadpond", "age": 30}
    assert _stored(hero.pk) == ("Deadpond", 30, SECRET)
    assert drf_calls == []


def test_partial_update_hero_skips_drf_in_one_statement(writer_client, make_hero, drf_calls):
    hero = make_hero(name="Deadpond", age=30)

    with CaptureQueriesContext(connection) as queries:
        response = writer_client.patch(detail_url(hero.pk), {"age": 31}, format="json")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"id": hero.pk, "name": "Deadpond", "age": 31}
    assert _stored(hero.pk) == ("Deadpond", 31, SECRET)
    assert drf_calls == []
    # No read-modify-write: the hero is only touched by one UPDATE of the sent field.
    hero_queries = [q["sql"] for q in queries.captured_queries if "heroes_hero" in q["sql"]]
    assert len(hero_queries) == 1
    assert hero_queries[0].startswith("UPDATE")
    assert '"name"' not in hero_queries[0].split("WHERE")[0]


def test_partial_update_hero_not_found_answers_as_drf(writer_client, settings):
    drf = _send(writer_client, settings, False, "patch", detail_url(424242), {"age": 1})
    fast = _send(writer_client, settings, True, "patch", detail_url(424242), {"age": 1})

    assert drf[0] == HTTPStatus.NOT_FOUND
    assert fast == drf


TEXT = st.one_of(
    st.sampled_from(["Deadpond", " Deadpond", "Deadpond ", "", " ", "\x00", "a\x00b", "\u2028"]),
    st.sampled_from(["x" * NAME_MAX_LENGTH, "x" * (NAME_MAX_LENGTH + 1), "\u00a0Spider\u00a0"]),
    st.text(max_size=20),
)
AGE = st.one_of(
    st.sampled_from([None, -1, 0, AGE_MAX, AGE_MAX + 1, 2**63, True, 1.0, "30"]),
    st.integers(min_value=-3, max_value=200),
)
OTHER = st.one_of(
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=1),
    st.floats(allow_nan=False),
)
BODY = st.one_of(
    st.fixed_dictionaries({}, optional={"name": TEXT, "age": AGE, "secret_name": TEXT}),
    st.fixed_dictionaries({"name": TEXT, "secret_name": TEXT}, optional={"age": AGE}),
    st.fixed_dictionaries(
        {},
        optional={
            "name": st.one_of(TEXT, AGE, OTHER),
            "age": st.one_of(AGE, TEXT, OTHER),
            "secret_name": st.one_of(TEXT, AGE, OTHER),
            "id": AGE,
            "x": TEXT,
        },
    ),
    st.lists(st.integers(), max_size=2),
    st.none(),
)
SLOW_EXAMPLES = hypothesis_settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SLOW_EXAMPLES
@given(body=BODY)
def test_partial_update_hero_answers_as_drf_for_any_body(writer_client, make_hero, settings, body):
    drf, fast = _patch_both_ways(writer_client, settings, make_hero, body)

    assert fast == drf


@SLOW_EXAMPLES
@given(body=BODY)
def test_create_hero_answers_as_drf_for_any_body(writer_client, settings, body):
    drf, fast = _create_both_ways(writer_client, settings, body)

    assert fast == drf


@pytest.mark.parametrize("age", [-1, 0, AGE_MAX, AGE_MAX + 1, True, 1.0, "30", None])
def test_writes_of_any_age_answer_as_drf(writer_client, make_hero, settings, age):
    patched = _patch_both_ways(writer_client, settings, make_hero, {"age": age})
    created = _create_both_ways(writer_client, settings, {**GOOD_BODY, "age": age})

    assert patched[1] == patched[0]
    assert created[1] == created[0]


RAW_BODIES = [
    b'{"age": 1, "age": 2}',
    b'{"name": "A", "name": "B", "secret_name": "S"}',
    b'{"age": NaN}',
    b'{"age": Infinity}',
    b"\xef\xbb\xbf{}",
    b'{"name": "\xff"}',
    b'{"name": "\\ud800", "secret_name": "S"}',
    b'{"age": 1e400}',
    b'{"age": 99999999999999999999999}',
    b'{"age": 3.0}',
    b"[" * 5000 + b"]" * 5000,
    b"",
    b"{}",
    b"null",
    b'{"name": "Deadpond", "secret_name": "S"} trailing',
]


@pytest.mark.parametrize("body", RAW_BODIES)
def test_partial_update_hero_answers_as_drf_for_raw_bodies(
    writer_client, make_hero, settings, body
):
    drf, fast = _patch_both_ways(writer_client, settings, make_hero, body)

    assert fast == drf


@pytest.mark.parametrize("body", RAW_BODIES)
def test_create_hero_answers_as_drf_for_raw_bodies(writer_client, settings, body):
    drf, fast = _create_both_ways(writer_client, settings, body)

    assert fast == drf


@pytest.mark.parametrize(
    "extra",
    [
        {"content_type": "application/json; charset=utf-8"},
        {"content_type": "text/plain"},
        {"HTTP_ACCEPT": "text/html"},
        {"HTTP_ACCEPT": "application/json; indent=2"},
        {"HTTP_ACCEPT": "image/png"},
        {"QUERY_STRING": "format=json"},
    ],
    ids=lambda extra: "-".join(f"{k}={v}" for k, v in extra.items()),
)
def test_writes_with_other_headers_answer_as_drf(writer_client, make_hero, settings, extra):
    patched = _patch_both_ways(writer_client, settings, make_hero, GOOD_BODY, **extra)
    created = _create_both_ways(writer_client, settings, GOOD_BODY, **extra)

    assert patched[1] == patched[0]
    assert created[1] == created[0]


@pytest.mark.parametrize(
    "authorization",
    ["", "Token", "Token not-a-token", "Token a b", "Bearer x", "Basic eDp5"],
)
def test_writes_with_other_credentials_answer_as_drf(
    api_client, make_hero, settings, authorization
):
    extra = {"HTTP_AUTHORIZATION": authorization}

    patched = _patch_both_ways(api_client, settings, make_hero, GOOD_BODY, **extra)
    created = _create_both_ways(api_client, settings, GOOD_BODY, **extra)

    assert patched[0][0] in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)
    assert patched[1] == patched[0]
    assert created[1] == created[0]


def test_token_keyword_in_any_case_answers_as_drf(writer, make_hero, settings):
    from rest_framework.authtoken.models import Token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"tOkEn {Token.objects.create(user=writer).key}")

    drf, fast = _patch_both_ways(client, settings, make_hero, {"age": 5})

    assert drf[0] == HTTPStatus.OK
    assert fast == drf


@pytest.mark.parametrize(
    "codenames", [(), ("add_hero",), ("change_hero",)], ids=["none", "add", "change"]
)
def test_writes_without_permission_answer_as_drf(
    user_with_permissions, make_hero, settings, codenames
):
    client = user_with_permissions(*codenames)

    patched = _patch_both_ways(client, settings, make_hero, {"age": 5})
    created = _create_both_ways(client, settings, GOOD_BODY)

    assert patched[1] == patched[0]
    assert created[1] == created[0]


def test_writes_by_inactive_user_answer_as_drf(writer, writer_client, make_hero, settings):
    writer.is_active = False
    writer.save()

    patched = _patch_both_ways(writer_client, settings, make_hero, {"age": 5})

    assert patched[0][0] == HTTPStatus.UNAUTHORIZED
    assert patched[1] == patched[0]


def test_writes_with_save_signal_receivers_go_to_drf(writer_client, make_hero, drf_calls):
    from django.db.models.signals import post_save

    saved = []

    def receiver(sender, instance, **kwargs):
        saved.append(instance.name)

    post_save.connect(receiver, sender=Hero)
    try:
        hero = make_hero(name="Deadpond")
        response = writer_client.patch(detail_url(hero.pk), {"name": "Rusty-Man"}, format="json")
    finally:
        post_save.disconnect(receiver, sender=Hero)

    assert response.status_code == HTTPStatus.OK
    assert saved == ["Deadpond", "Rusty-Man"]
    assert drf_calls == ["PATCH"]


def test_lane_turns_off_for_a_throttled_viewset():
    class ThrottledViewSet(HeroViewSet):
        throttle_classes = [AnonRateThrottle]

    view = ThrottledViewSet.as_view({"get": "retrieve", "patch": "partial_update"})

    lane = Lane(view)

    assert lane.reads is False
    assert lane.rules is None


def test_lane_turns_off_writes_for_a_serializer_that_validates():
    class ValidatingSerializer(HeroSerializer):
        def validate(self, attrs):
            return attrs

    class ValidatingViewSet(HeroViewSet):
        serializer_class = ValidatingSerializer

    lane = Lane(ValidatingViewSet.as_view({"post": "create"}))

    assert lane.reads is True
    assert lane.rules is None


def test_lane_rules_follow_the_serializer():
    lane = Lane(HeroViewSet.as_view({"post": "create"}))

    assert set(lane.rules) == {"name", "age", "secret_name"}
    assert lane.required == {"name", "secret_name"}
