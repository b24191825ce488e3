import ipaddress

import pytest
from django.core.exceptions import ImproperlyConfigured

from heroproject.environment import env


def test_read_boolean_set_empty_takes_its_default(monkeypatch):
    monkeypatch.setenv("DJANGO_HTTPS", "")

    assert env.bool("DJANGO_HTTPS", default=True) is True
    assert env.bool("DJANGO_HTTPS", default=False) is False


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("yes", True), ("0", False)])
def test_read_boolean_set_takes_its_value(monkeypatch, value, expected):
    monkeypatch.setenv("DJANGO_HTTPS", value)

    assert env.bool("DJANGO_HTTPS", default=not expected) is expected


def test_read_value_starting_with_a_dollar_is_taken_as_written(monkeypatch):
    monkeypatch.setenv("DJANGO_METRICS_TOKEN", "$HOME-is-not-read")

    assert env.str("DJANGO_METRICS_TOKEN", default="") == "$HOME-is-not-read"


def test_read_list_trims_items_and_drops_empty_ones(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", " a.example.com, ,b.example.com,")

    assert env.list("DJANGO_ALLOWED_HOSTS", default="x") == ["a.example.com", "b.example.com"]


def test_read_list_unset_takes_its_default_and_set_empty_is_empty(monkeypatch):
    monkeypatch.delenv("DJANGO_ALLOWED_HOSTS", raising=False)
    assert env.list("DJANGO_ALLOWED_HOSTS", default="localhost,[::1]") == ["localhost", "[::1]"]

    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "")
    assert env.list("DJANGO_ALLOWED_HOSTS", default="localhost") == []


def test_read_addresses_takes_networks_and_unix(monkeypatch):
    monkeypatch.setenv("DJANGO_TRUSTED_PROXIES", "unix, 10.0.0.1, 2001:db8::/64")

    assert env.addresses("DJANGO_TRUSTED_PROXIES") == [
        "unix",
        ipaddress.ip_network("10.0.0.1/32"),
        ipaddress.ip_network("2001:db8::/64"),
    ]


def test_read_addresses_with_a_bad_entry_fails_naming_the_variable(monkeypatch):
    monkeypatch.setenv("DJANGO_TRUSTED_PROXIES", "10.0.0.1,proxy.example.com")

    with pytest.raises(ImproperlyConfigured, match=r"^DJANGO_TRUSTED_PROXIES: "):
        env.addresses("DJANGO_TRUSTED_PROXIES")
