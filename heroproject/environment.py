"""Settings values from the environment: booleans, lists and address lists."""

import ipaddress
import os

from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_addresses(
    name: str, default: str = ""
) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network | str]:
    """A comma-separated list of addresses, CIDR networks and `unix` (a Unix socket's peer);
    a bad entry stops start-up."""
    try:
        return [
            item if item == "unix" else ipaddress.ip_network(item, strict=False)
            for item in env_list(name, default)
        ]
    except ValueError as error:
        raise ImproperlyConfigured(f"{name}: {error}") from None
