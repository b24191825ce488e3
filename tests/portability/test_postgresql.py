from http import HTTPStatus

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="prepared statements are PostgreSQL's",
)


def _prepared_hero_reads() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall() if '"heroes_hero"' in row[0]]


def test_read_hero_repeated_is_prepared_once_planned(api_client, make_hero):
    hero = make_hero()
    url = reverse("hero-detail", args=[hero.pk])

    for _ in range(settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"] + 1):
        assert api_client.get(url).status_code == HTTPStatus.OK

    assert _prepared_hero_reads()
