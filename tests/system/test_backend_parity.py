"""The same queries on a SQLite file and on PostgreSQL servers of several locales."""

import json

import pytest

from benchmarks.servers import manage, sqlite_url
from tests.system.postgres import postgres_database

# The same queries on a fresh database of each kind, through a separate process. The
# PostgreSQL databases use the plainest locales: "C" upper-cases ASCII only, and the libc
# C.UTF-8 locale maps one character to one (no "ß" -> "SS"). Results must not change.
PROBE = """
import json
from heroes.models import Hero
for name in ["Straßenkämpfer", "ﬁrefly", "Ünïcødé Man", "Zeta", "alpha", "Beta", "Ärger"]:
    Hero.objects.create(name=name, secret_name="s")
def matching(query):
    return list(Hero.objects.filter(name__icontains=query).values_list("name", flat=True))
print(json.dumps({
    "order": list(Hero.objects.order_by("name").values_list("name", flat=True)),
    "strasse": matching("STRASSE"),
    "fire": matching("FIRE"),
    "unicode": matching("ünïcødé"),
    "acute": matching("ärger"),
}))
"""
PROBE_EXPECTED = {
    "order": ["Beta", "Straßenkämpfer", "Zeta", "alpha", "Ärger", "Ünïcødé Man", "ﬁrefly"],
    "strasse": ["Straßenkämpfer"],
    "fire": ["ﬁrefly"],
    "unicode": ["Ünïcødé Man"],
    "acute": ["Ärger"],
}


def _probe(database_url: str) -> dict:
    manage(database_url, "migrate", "--noinput", "-v0")
    return json.loads(manage(database_url, "shell", "--no-imports", "-c", PROBE))


def test_queries_on_sqlite_file_give_the_expected_results(tmp_path):
    assert _probe(sqlite_url(tmp_path / "db.sqlite3")) == PROBE_EXPECTED


@pytest.mark.parametrize("locale", ["C", "C.UTF-8"])
def test_queries_on_postgres_give_the_same_results_whatever_its_locale(locale):
    with postgres_database(
        template="template0", encoding="UTF8", locale_provider="libc", locale=locale
    ) as database_url:
        assert _probe(database_url) == PROBE_EXPECTED


def test_migrate_refuses_a_postgres_database_that_is_not_utf8():
    with (
        postgres_database(template="template0", encoding="LATIN1", locale="C") as database_url,
        pytest.raises(RuntimeError, match=r"heroes\.E001"),
    ):
        manage(database_url, "migrate", "--noinput")
