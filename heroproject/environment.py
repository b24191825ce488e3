"""The environment as settings read it: django-environ's Env, with this service's rules for
empty values, list items and address lists."""

from __future__ import annotations

import ipaddress

import environ
from django.core.exceptions import ImproperlyConfigured


class Env(environ.Env):
    """django-environ's Env: values taken as written, a boolean set empty takes its default,
    list items are trimmed."""

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        value = self.ENVIRON.get(f"{self.prefix}{var}")
        if isinstance(value, str) and value.startswith("$"):
            # django-environ would read "$NAME" as the variable NAME's value: a secret key or
            # token that starts with "$" would quietly become another variable's, or empty.
            return value if cast is None else self.parse_value(value, cast)
        return super().get_value(var, cast=cast, default=default, parse_default=parse_default)

    def bool(self, var: str, default: bool = False) -> bool:
        # An empty DJANGO_HTTPS= in an environment file means "the default", not "off": the
        # default of each HTTPS setting is on in production.
        if self.ENVIRON.get(f"{self.prefix}{var}", "") == "":
            return default
        return super().bool(var, default=default)

    def list(self, var: str, cast=None, default: str = "") -> list[str]:
        # "a.example.com, b.example.com," is two hosts, as an operator writes them.
        items = super().list(var, cast=str.strip, default=default.split(","))
        return [item for item in items if item]

    def addresses(
        self, var: str, default: str = ""
    ) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network | str]:
        """A list of addresses, CIDR networks and `unix` (a Unix socket's peer); a bad entry
        stops start-up, naming the variable."""
        try:
            return [
                item if item == "unix" else ipaddress.ip_network(item, strict=False)
                for item in self.list(var, default=default)
            ]
        except ValueError as error:
            raise ImproperlyConfigured(f"{var}: {error}") from None


env = Env()
