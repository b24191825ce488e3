import os
import subprocess
import sys
from http import HTTPStatus

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from prometheus_client import REGISTRY

from tests.factories import LIST_URL, detail_url

DURATION = "heroes_http_request_duration_seconds"


def _count(route: str, method: str, status: int) -> float:
    labels = {"route": route, "method": method, "status": str(status)}
    return REGISTRY.get_sample_value(f"{DURATION}_count", labels) or 0.0


def _sum_of(name: str) -> float:
    return sum(
        sample.value
        for family in REGISTRY.collect()
        for sample in family.samples
        if sample.name == name
    )


def test_requests_are_counted_by_route_method_and_status(api_client, make_hero):
    hero = make_hero()
    before = (
        _count("heroes/", "GET", 200),
        _count("heroes/<pk>/", "GET", 200),
        _count("heroes/<pk>/", "GET", 404),
        _count("heroes/", "POST", 401),
    )

    api_client.get(LIST_URL)
    api_client.get(LIST_URL)
    api_client.get(detail_url(hero.pk))
    api_client.get(detail_url(999))
    api_client.post(LIST_URL, {"name": "x", "secret_name": "y"}, format="json")

    after = (
        _count("heroes/", "GET", 200),
        _count("heroes/<pk>/", "GET", 200),
        _count("heroes/<pk>/", "GET", 404),
        _count("heroes/", "POST", 401),
    )
    assert [b - a for a, b in zip(before, after, strict=True)] == [2, 1, 1, 1]


def test_request_latency_is_observed(api_client, db):
    before = (
        REGISTRY.get_sample_value(
            f"{DURATION}_bucket",
            {"route": "heroes/", "method": "GET", "status": "200", "le": "+Inf"},
        )
        or 0.0
    )
    total_before = _sum_of(f"{DURATION}_sum")

    api_client.get(LIST_URL)

    after = REGISTRY.get_sample_value(
        f"{DURATION}_bucket", {"route": "heroes/", "method": "GET", "status": "200", "le": "+Inf"}
    )
    assert after == before + 1
    assert _sum_of(f"{DURATION}_sum") > total_before


def test_unmatched_paths_and_invented_methods_share_labels(api_client, db):
    # DRF's model permissions know no BREW: 405, whoever asks.
    before = _count("unmatched", "GET", 404), _count("heroes/", "other", 405)

    api_client.get("/no/such/page/")
    api_client.generic("BREW", LIST_URL)

    after = _count("unmatched", "GET", 404), _count("heroes/", "other", 405)
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)


def test_database_errors_are_counted_by_class(settings, db):
    settings.ROOT_URLCONF = "tests.api.failing_urls"
    # What each database says of a missing table.
    error = "OperationalError" if connection.vendor == "sqlite" else "ProgrammingError"
    before = _sum_of("heroes_database_errors_total")
    of_class_before = _errors_of_class(error)

    response = Client(raise_request_exception=False).get("/query-missing-table/")
    after_database_error = _sum_of("heroes_database_errors_total")
    bug = Client(raise_request_exception=False).get("/fail/")  # not a database error

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert bug.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert after_database_error == before + 1
    assert _errors_of_class(error) == of_class_before + 1
    assert _sum_of("heroes_database_errors_total") == after_database_error


def _errors_of_class(name: str) -> float:
    return REGISTRY.get_sample_value("heroes_database_errors_total", {"error": name}) or 0.0


@pytest.mark.django_db
def test_login_refusals_are_counted(api_client, settings):
    settings.LOGIN_ATTEMPTS = 2
    before = REGISTRY.get_sample_value("heroes_login_refusals_total") or 0.0

    statuses = [
        api_client.post("/auth/token/", {"username": "a", "password": "b"}).status_code
        for _ in range(4)
    ]

    assert statuses == [400, 400, 429, 429]
    assert REGISTRY.get_sample_value("heroes_login_refusals_total") == before + 2


def test_empty_multiprocess_dir_writes_no_files(tmp_path):
    """.env.example leaves PROMETHEUS_MULTIPROC_DIR empty; that must not mean the cwd."""
    code = "import django; django.setup(); import heroes.observability.metrics"
    subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={
            **os.environ,
            "PYTHONPATH": str(settings.BASE_DIR),
            "DJANGO_SETTINGS_MODULE": "heroproject.settings",
            "DJANGO_SECRET_KEY": "k" * 50,
            "PROMETHEUS_MULTIPROC_DIR": "",
        },
        timeout=60,
        check=True,
    )

    assert list(tmp_path.iterdir()) == []
