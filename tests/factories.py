"""What tests build heroes and hero URLs from, and the races they stage."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from heroes.models import Hero

LIST_URL = reverse("hero-list")
SECRET = "Pedro Parqueador"


def links(header: str) -> dict[str, str]:
    """An RFC 8288 Link header as the API writes it, by relation."""
    found = {}
    for part in header.split(", "):
        url, rel = part.split("; ")
        found[rel.removeprefix('rel="').removesuffix('"')] = url.strip("<>")
    return found


def api_token(user) -> str:
    """A new API token of the user, as /auth/token/ answers it (the database keeps its digest)."""
    _, token = AuthToken.objects.create(user=user)
    return token


# int() reads each of these as the id; only its ASCII digits may name a hero.
OTHER_SPELLINGS = ("space", "newline", "plus", "underscore", "arabic_digits")


class CookielessClient(APIClient):
    """Sends no Cookie header at all, as a browser's fetch() to another origin does.

    Django's test client always sends one, empty when it holds no cookies.
    """

    def _base_environ(self, **request):
        environ = super()._base_environ(**request)
        if not environ["HTTP_COOKIE"]:
            del environ["HTTP_COOKIE"]
        return environ


def detail_url(pk) -> str:
    return reverse("hero-detail", args=[pk])


def make_hero(name: str = "Deadpond", age: int | None = None, secret_name: str = SECRET) -> Hero:
    return Hero.objects.create(name=name, age=age, secret_name=secret_name)


def spelled_otherwise(pk: int, kind: str) -> str:
    return {
        "space": f" {pk}",
        "newline": f"{pk}\n",
        "plus": f"+{pk}",
        "underscore": f"0_{pk}",
        "arabic_digits": str(pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
    }[kind]


@contextmanager
def deleted_after_first_read(hero: Hero) -> Iterator[None]:
    """Deletes the hero just after the block's first read of it, before its next statement.

    As another client's DELETE landing between a view's read of the hero and its write,
    committed before the write's transaction (or savepoint) begins.
    """
    state = "before the read"

    def delete_after_first_read(execute, sql, params, many, context):
        nonlocal state
        if state == "read":
            execute('DELETE FROM "heroes_hero" WHERE "id" = %s', [hero.pk], False, context)
            state = "deleted"
        result = execute(sql, params, many, context)
        if state == "before the read" and '"heroes_hero"' in sql:
            state = "read"
        return result

    with connection.execute_wrapper(delete_after_first_read):
        yield
    assert state == "deleted", "the block read the hero but never wrote it: nothing was raced"


# Two requests at once, in two threads with their own connections. PostgreSQL only: the
# test database of the SQLite pass is a shared-cache in-memory one, whose table locks fail
# at once instead of waiting; tests/system/ covers SQLite with real servers.
needs_row_locks = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="needs PostgreSQL's row locks",
)
