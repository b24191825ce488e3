from ipaddress import ip_network

import pytest
from django.test import RequestFactory

from benchmarks.servers import manage
from heroes.guards.client_address import client_address, parse_address

ONE_IPV6_SITE = [
    "2001:db8:1:2::1",
    "2001:DB8:1:2:0:0:0:1",
    "2001:0db8:0001:0002:0000:0000:0000:0001",
    "2001:db8:1:2::abcd",
    "2001:db8:1:2:ffff:ffff:ffff:ffff",
    "[2001:db8:1:2::1]",
    "[2001:db8:1:2::1]:443",
    "2001:db8:1:2::1%eth0",
    " 2001:db8:1:2::1 ",
]
ONE_IPV4_CLIENT = [
    "192.0.2.7",
    "::ffff:192.0.2.7",
    "::FFFF:C000:0207",
    "0:0:0:0:0:ffff:192.0.2.7",
    "[::ffff:192.0.2.7]:8080",
    "192.0.2.7:51234",
]
NOT_ADDRESSES = [
    "",
    "unknown",
    "192.0.2",
    "192.0.2.7.1",
    "010.0.0.1",
    "2001:db8::g",
    "[::1",
    "[::1]x",
    "[::1]:",
    "192.0.2.7:",
    "192.0.2.7:http",
    "-",
]


@pytest.fixture
def behind_one_proxy(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.TRUSTED_PROXIES = [ip_network("127.0.0.1"), ip_network("10.0.0.0/8")]


def _key(remote_addr: str, forwarded_for: str | None = None) -> str:
    headers = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    return client_address(RequestFactory().post("/auth/token/", REMOTE_ADDR=remote_addr, **headers))


@pytest.mark.parametrize("spelling", ONE_IPV6_SITE)
def test_every_address_and_spelling_of_one_ipv6_64_is_one_client(spelling):
    assert _key(spelling) == "2001:db8:1:2::/64"


@pytest.mark.parametrize("neighbour", ["2001:db8:1:3::1", "2001:db8:1::1", "2001:db9:1:2::1"])
def test_an_address_outside_the_64_is_another_client(neighbour):
    assert _key(neighbour) != _key("2001:db8:1:2::1")


@pytest.mark.parametrize("spelling", ONE_IPV4_CLIENT)
def test_every_spelling_of_one_ipv4_address_is_one_client(spelling):
    assert _key(spelling) == "192.0.2.7"


def test_neighbouring_ipv4_addresses_are_different_clients():
    assert _key("192.0.2.8") == "192.0.2.8"


@pytest.mark.parametrize("text", NOT_ADDRESSES)
def test_parse_address_of_a_malformed_text_is_none(text):
    assert parse_address(text) is None


def test_peer_that_is_no_ip_address_counts_as_spelled():
    assert _key("") == ""
    assert _key("unix:/run/heroes.sock") == "unix:/run/heroes.sock"


def test_x_forwarded_for_from_a_trusted_unix_socket_peer_names_the_client(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.TRUSTED_PROXIES = ["unix"]

    # gunicorn on a Unix socket gives the peer (scripts/serve.sh's nginx) as "".
    assert _key("", "198.51.100.7") == "198.51.100.7"
    assert _key("", "203.0.113.1, 2001:db8:1:2::99") == "2001:db8:1:2::/64"
    assert _key("", "garbage") == ""
    assert _key("127.0.0.1", "198.51.100.7") == "127.0.0.1"


@pytest.mark.usefixtures("behind_one_proxy")
def test_x_forwarded_for_from_an_untrusted_unix_socket_peer_is_ignored():
    assert _key("", "198.51.100.7") == ""


def test_x_forwarded_for_is_ignored_without_proxies(settings):
    settings.TRUSTED_PROXIES = [ip_network("127.0.0.1")]

    assert _key("127.0.0.1", "198.51.100.7") == "127.0.0.1"


@pytest.mark.usefixtures("behind_one_proxy")
def test_x_forwarded_for_from_a_trusted_proxy_names_the_client():
    assert _key("127.0.0.1", "198.51.100.7") == "198.51.100.7"
    assert _key("10.1.2.3", "2001:db8:1:2::99") == "2001:db8:1:2::/64"
    assert _key("::ffff:127.0.0.1", "198.51.100.7") == "198.51.100.7"


@pytest.mark.usefixtures("behind_one_proxy")
def test_x_forwarded_for_reads_only_the_entry_the_proxy_appended():
    # Everything left of the proxy's entry came from the client, who may write anything.
    assert _key("127.0.0.1", "203.0.113.1, 192.0.2.66, 198.51.100.7") == "198.51.100.7"
    assert _key("127.0.0.1", "not-an-address, 198.51.100.7") == "198.51.100.7"


@pytest.mark.usefixtures("behind_one_proxy")
def test_x_forwarded_for_from_an_untrusted_peer_is_ignored():
    assert _key("203.0.113.9", "198.51.100.7") == "203.0.113.9"
    assert _key("2001:db8:9::1", "198.51.100.7") == "2001:db8:9::/64"


@pytest.mark.usefixtures("behind_one_proxy")
@pytest.mark.parametrize(
    "forwarded_for", [None, "", "unknown", "198.51.100.7, garbage", "a" * 5000]
)
def test_missing_or_malformed_x_forwarded_for_counts_as_the_proxy(forwarded_for):
    assert _key("127.0.0.1", forwarded_for) == "127.0.0.1"


def test_two_proxies_read_the_second_entry_from_the_right(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 2}
    settings.TRUSTED_PROXIES = [ip_network("127.0.0.1"), ip_network("10.0.0.0/8")]

    # The client forged the first entry; the outer proxy appended the client's address,
    # the inner one the outer proxy's.
    assert _key("127.0.0.1", "203.0.113.1, 198.51.100.7, 10.0.0.2") == "198.51.100.7"
    # Fewer entries than proxies: every entry was written by a proxy; the first is read.
    assert _key("127.0.0.1", "198.51.100.7") == "198.51.100.7"


def test_two_proxies_stop_at_a_client_that_skipped_the_outer_proxy(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 2}
    settings.TRUSTED_PROXIES = [ip_network("127.0.0.1"), ip_network("10.0.0.0/8")]

    # 198.51.100.7 reached the inner proxy directly: what it forged is never read.
    assert _key("127.0.0.1", "203.0.113.1, 198.51.100.7") == "198.51.100.7"


def test_proxies_without_trusted_addresses_refuse_to_start():
    with pytest.raises(RuntimeError) as refused:
        manage("sqlite://:memory:", "check", DJANGO_NUM_PROXIES="1")

    assert "manage.py: DJANGO_NUM_PROXIES is set but DJANGO_TRUSTED_PROXIES" in str(refused.value)


def test_malformed_trusted_proxy_refuses_to_start():
    with pytest.raises(RuntimeError) as refused:
        manage(
            "sqlite://:memory:",
            "check",
            DJANGO_NUM_PROXIES="1",
            DJANGO_TRUSTED_PROXIES="127.0.0.1, 10.0.0.300/8",
        )

    assert "manage.py: DJANGO_TRUSTED_PROXIES: '10.0.0.300/8' does not appear" in str(refused.value)


def test_trusted_proxies_as_addresses_and_networks_start():
    output = manage(
        "sqlite://:memory:",
        "check",
        DJANGO_NUM_PROXIES="1",
        DJANGO_TRUSTED_PROXIES="unix, 127.0.0.1, ::1, 10.0.0.0/8, fd00::/8",
    )

    assert "System check identified no issues" in output
