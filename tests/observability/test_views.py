from http import HTTPStatus
from ipaddress import ip_network

import pytest
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from tests.factories import LIST_URL


@pytest.fixture
def metrics_url() -> str:
    return reverse("metrics")


def test_read_metrics_from_an_allowed_address(api_client, db, metrics_url):
    api_client.get(LIST_URL)

    response = api_client.get(metrics_url, REMOTE_ADDR="127.0.0.1")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/plain; version=")
    families = {f.name: f for f in text_string_to_metric_families(response.content.decode())}
    assert {"heroes_http_request_duration_seconds", "heroes_login_refusals"} <= set(families)


def test_read_metrics_from_another_address_is_forbidden(api_client, db, metrics_url):
    response = api_client.get(
        metrics_url, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="127.0.0.1"
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "DJANGO_METRICS_ALLOWED" in response.json()["detail"]


def test_read_metrics_from_an_allowed_network_behind_a_proxy(api_client, db, metrics_url, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.TRUSTED_PROXIES = ["unix"]
    settings.METRICS_ALLOWED = [ip_network("192.0.2.0/24")]

    allowed = api_client.get(metrics_url, REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="192.0.2.7")
    refused = api_client.get(metrics_url, REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert allowed.status_code == HTTPStatus.OK
    assert refused.status_code == HTTPStatus.FORBIDDEN


def test_read_metrics_with_the_token_from_anywhere(api_client, db, metrics_url, settings):
    settings.METRICS_TOKEN = "s3cret-scraper-token"

    allowed = api_client.get(
        metrics_url, REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-scraper-token"
    )
    refused = api_client.get(
        metrics_url, REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer guess"
    )

    assert allowed.status_code == HTTPStatus.OK
    assert refused.status_code == HTTPStatus.FORBIDDEN


def test_read_metrics_without_a_token_configured_ignores_bearer(api_client, db, metrics_url):
    response = api_client.get(metrics_url, REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer ")

    assert response.status_code == HTTPStatus.FORBIDDEN
