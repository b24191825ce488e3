"""Which database a read runs on (heroes.replicas): the rules, without a replica server.

A measurement recorded as just taken stands in for the replica's answer; the system tests
(tests/system/test_replicas.py) measure a real standby.
"""

import time
from http import HTTPStatus

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse

from heroes.models import Hero
from heroes.replicas import lag, routing
from heroes.replicas.middleware import ReplicaReadsMiddleware, may_read_replica
from heroes.replicas.routing import ReplicaRouter


@pytest.fixture(autouse=True)
def _fresh_state():
    lag.state.reset()
    yield
    lag.state.reset()


def measured(seconds: float) -> None:
    lag.state.record(seconds, time.monotonic())


def test_read_outside_a_request_runs_on_the_primary():
    measured(0.0)

    assert routing.read_alias() == "default"


def test_read_of_an_anonymous_safe_request_runs_on_a_fresh_replica():
    measured(0.0)

    with routing.reads(replica_allowed=True) as policy:
        alias = routing.read_alias()

    assert alias == "replica"
    assert policy.replica_used


def test_read_of_a_request_with_credentials_runs_on_the_primary():
    measured(0.0)

    with routing.reads(replica_allowed=False) as policy:
        alias = routing.read_alias()

    assert alias == "default"
    assert not policy.replica_used


def test_read_inside_a_transaction_runs_on_the_primary(db):
    # pytest-django runs the test inside a transaction on the primary.
    measured(0.0)

    with routing.reads(replica_allowed=True):
        assert routing.read_alias() == "default"


def test_read_while_the_replica_lags_past_the_bound_runs_on_the_primary():
    measured(settings.REPLICA_MAX_LAG + 0.5)

    with routing.reads(replica_allowed=True):
        assert routing.read_alias() == "default"


def test_read_while_the_replica_is_marked_down_runs_on_the_primary():
    measured(0.0)
    lag.mark_down()

    with routing.reads(replica_allowed=True):
        assert routing.read_alias() == "default"


def test_lag_estimate_adds_the_age_of_the_measurement():
    state = lag.ReplicaState()
    state.record(1.0, 100.0)

    assert state.estimate(102.5) == 3.5
    assert state.estimate(99.0) == 1.0  # never less than measured


def test_router_sends_writes_and_migrations_to_the_primary():
    router = ReplicaRouter()

    assert router.db_for_write(Hero) == "default"
    assert router.allow_migrate("default", "heroes")
    assert not router.allow_migrate("replica", "heroes")


@pytest.mark.parametrize("method", ["get", "head", "options"])
def test_safe_request_without_credentials_may_read_the_replica(method):
    assert may_read_replica(getattr(RequestFactory(), method)("/heroes/"))


@pytest.mark.parametrize(
    "request_",
    [
        RequestFactory().post("/heroes/"),
        RequestFactory().delete("/heroes/1/"),
        RequestFactory().get("/heroes/", HTTP_AUTHORIZATION="Token abc"),
        RequestFactory().get("/heroes/", HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}=x"),
    ],
    ids=["post", "delete", "token", "session"],
)
def test_write_or_request_with_credentials_reads_the_primary(request_):
    assert not may_read_replica(request_)


def answer_from(seen: list[str], stopped: str):
    """A view that reads where the router says; database `stopped` fails it with a 503."""

    def view(request):
        alias = routing.read_alias()
        seen.append(alias)
        failed = alias == stopped
        return HttpResponse(status=HTTPStatus.SERVICE_UNAVAILABLE if failed else HTTPStatus.OK)

    return view


def test_safe_request_the_replica_fails_is_answered_again_from_the_primary():
    measured(0.0)
    seen = []

    middleware = ReplicaReadsMiddleware(answer_from(seen, stopped="replica"))

    response = middleware(RequestFactory().get("/heroes/"))

    assert response.status_code == HTTPStatus.OK
    assert seen == ["replica", "default"]
    with routing.reads(replica_allowed=True):  # the next request leaves the replica alone
        assert routing.read_alias() == "default"


def test_request_the_primary_fails_is_not_answered_again():
    measured(0.0)
    seen = []
    request = RequestFactory().get("/heroes/", HTTP_AUTHORIZATION="Token abc")

    response = ReplicaReadsMiddleware(answer_from(seen, stopped="default"))(request)

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert seen == ["default"]


class AskedRouter:
    """Says the primary, and remembers which models it was asked to read."""

    asked: list = []

    def db_for_read(self, model, **hints):
        self.asked.append(model)
        return "default"


@pytest.mark.parametrize("path", ["one", "list"])
def test_hero_reads_ask_the_router_where_to_read(api_client, make_hero, path):
    # The speed layer's compiled queries too, not only the ORM's querysets.
    hero = make_hero(name="Routed")
    AskedRouter.asked = []
    url = reverse("hero-detail", args=[hero.pk]) if path == "one" else reverse("hero-list")

    with override_settings(DATABASE_ROUTERS=[AskedRouter()]):
        response = api_client.get(url)

    assert response.status_code == HTTPStatus.OK
    assert Hero in AskedRouter.asked
