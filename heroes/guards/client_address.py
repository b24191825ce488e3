"""Which client a request comes from, as the login limit counts it.

The client is the peer of the connection (REMOTE_ADDR). Behind proxies
(DJANGO_NUM_PROXIES > 0) it is the address the outermost of them saw and appended to
X-Forwarded-For, read hop by hop and only from proxies in DJANGO_TRUSTED_PROXIES: a client
that connects to any of them directly cannot name another address. A peer on a Unix socket
has no address; it is a trusted proxy when the list holds `unix`. Clients are counted by
network, whatever the spelling: an IPv4 address (also written as IPv4-mapped IPv6) is one
client, an IPv6 address counts as its /64, the block one host or one site gets.
"""

from ipaddress import IPv4Address, IPv6Address, IPv6Network, ip_address

from django.conf import settings
from rest_framework.settings import api_settings

IPV6_CLIENT_PREFIX = 64


def parse_address(text: str) -> IPv4Address | IPv6Address | None:
    """The address `text` names (brackets, a port or a zone id may come with it), else None."""
    text = text.strip()
    if text.startswith("["):  # [2001:db8::1] or [2001:db8::1]:443
        text, bracket, port = text[1:].partition("]")
        if not bracket or (port and not (port[0] == ":" and _is_port(port[1:]))):
            return None
    elif text.count(":") == 1:  # 192.0.2.1:443
        text, _, port = text.partition(":")
        if not _is_port(port):
            return None
    try:
        address = ip_address(text)
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_port(text: str) -> bool:
    return text.isascii() and text.isdigit()


def client_key(address: IPv4Address | IPv6Address) -> str:
    """The string the login limit counts `address` under: itself, or its IPv6 /64."""
    if isinstance(address, IPv4Address):
        return str(address)
    host_bits = 128 - IPV6_CLIENT_PREFIX
    return str(IPv6Network((int(address) >> host_bits << host_bits, IPV6_CLIENT_PREFIX)))


UNIX_SOCKET_PEER = "unix"


def is_trusted_proxy(address: IPv4Address | IPv6Address | None) -> bool:
    """Whether `address` (None: a peer on a Unix socket) is one of DJANGO_TRUSTED_PROXIES."""
    if address is None:
        return UNIX_SOCKET_PEER in settings.TRUSTED_PROXIES
    return any(
        address in network for network in settings.TRUSTED_PROXIES if network != UNIX_SOCKET_PEER
    )


def client_address(request) -> str:
    """The key of the client that sent `request` (see the module's docstring)."""
    address = client_ip(request)
    if address is None:
        # A Unix socket's peer, not trusted or naming no client: counted as it is spelled.
        return request.META.get("REMOTE_ADDR", "").strip()[:255]
    return client_key(address)


def client_ip(request) -> IPv4Address | IPv6Address | None:
    """The address of the client that sent `request`; None for a Unix socket's peer."""
    # None when the peer has no IP address: a Unix socket's peer (gunicorn gives "").
    peer = parse_address(request.META.get("REMOTE_ADDR", ""))
    # From the connection leftwards through X-Forwarded-For, one hop per proxy: each hop is
    # read only if the hop to its right is a trusted proxy, which appended it. The first
    # hop that is not a trusted proxy is the client; entries further left are the client's
    # own and are never read.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    hop = peer
    for _ in range(api_settings.NUM_PROXIES):
        if not forwarded or not is_trusted_proxy(hop):
            break
        entry = parse_address(forwarded.pop())
        if entry is None:
            # A proxy that wrote no address: its requests count as that proxy's own.
            break
        hop = entry
    return hop
