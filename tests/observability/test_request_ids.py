import logging
from ipaddress import ip_network

import pytest

from heroes.observability.request_ids import RequestIdFilter
from tests.factories import LIST_URL, detail_url


@pytest.fixture
def behind_a_proxy(settings):
    settings.TRUSTED_PROXIES = [ip_network("10.0.0.0/8")]


def test_every_answer_gets_an_id_of_its_own(api_client, db):
    first = api_client.get(LIST_URL)
    second = api_client.get(LIST_URL)

    assert len(first["X-Request-ID"]) == 32
    int(first["X-Request-ID"], 16)
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.usefixtures("behind_a_proxy")
def test_request_id_from_a_trusted_proxy_is_kept(api_client, db):
    response = api_client.get(LIST_URL, REMOTE_ADDR="10.1.2.3", HTTP_X_REQUEST_ID="lb-42.7:a_b")

    assert response["X-Request-ID"] == "lb-42.7:a_b"


@pytest.mark.usefixtures("behind_a_proxy")
def test_request_id_from_a_client_is_replaced(api_client, db):
    response = api_client.get(LIST_URL, REMOTE_ADDR="203.0.113.9", HTTP_X_REQUEST_ID="mine")

    assert response["X-Request-ID"] != "mine"
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.usefixtures("behind_a_proxy")
@pytest.mark.parametrize("sent", ["", "two words", 'quo"te', "a" * 129, "line\nbreak", "é"])
def test_request_id_a_log_line_cannot_carry_is_replaced(api_client, db, sent):
    response = api_client.get(LIST_URL, REMOTE_ADDR="10.1.2.3", HTTP_X_REQUEST_ID=sent)

    assert response["X-Request-ID"] != sent
    assert len(response["X-Request-ID"]) == 32


def test_log_lines_of_a_request_carry_its_id(api_client, db, caplog):
    caplog.handler.addFilter(RequestIdFilter())

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = api_client.get(detail_url(999))

    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Not Found: /heroes/999/"
    assert record.request_id == response["X-Request-ID"]


def test_log_lines_outside_a_request_carry_a_dash(api_client, db, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    api_client.get(LIST_URL)

    logging.getLogger("heroes").warning("between requests")

    assert caplog.records[-1].request_id == "-"
