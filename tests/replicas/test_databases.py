"""The database settings of heroproject.databases: libpq's host lists, and the replica."""

import json
import os
import subprocess
import sys

import dj_database_url
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from heroproject import databases

PRIMARY = "postgres://heroes:pw@10.0.0.1:5432,10.0.0.2:5433/heroes"
REPLICA = "postgres://reader:rpw@10.0.0.2:5433,10.0.0.1:5432/heroes"


def postgres(url: str = PRIMARY) -> dict:
    """The default database as settings.py builds it for PostgreSQL: a pool, bound statements."""
    database = databases.parse_url(url, conn_max_age=0, conn_health_checks=True)
    database.setdefault("OPTIONS", {}).update(
        pool={"min_size": 1, "max_size": 4, "timeout": 5.0},
        server_side_binding=True,
        prepare_threshold=5,
    )
    return {"default": database}


def test_parse_url_with_one_host_is_dj_database_url():
    url = "postgres://heroes:pw@db.example:6543/heroes?sslmode=require"

    assert databases.parse_url(url) == dj_database_url.parse(url)


def test_parse_url_with_several_hosts_gives_libpq_lists():
    database = databases.parse_url("postgres://heroes:p%40ss@h1:5432,h2:5433/heroes")

    assert database["HOST"] == "h1,h2"
    assert database["PORT"] == "5432,5433"
    assert (database["USER"], database["PASSWORD"], database["NAME"]) == (
        "heroes",
        "p@ss",
        "heroes",
    )


def test_parse_url_with_hosts_without_ports_leaves_libpq_its_default():
    assert databases.parse_url("postgres://u@h1,h2/heroes")["PORT"] == ""
    assert databases.parse_url("postgres://u@h1,h2:5433/heroes")["PORT"] == "5432,5433"


def test_parse_url_with_ipv6_hosts_drops_the_brackets():
    database = databases.parse_url("postgres://u@[::1]:5432,[fe80::1]:5433/heroes")

    assert (database["HOST"], database["PORT"]) == ("::1,fe80::1", "5432,5433")


@pytest.mark.parametrize("hosts", ["h1:54x2,h2", "h1,,h2"])
def test_parse_url_with_a_bad_host_list_refuses_naming_it(hosts):
    with pytest.raises(ImproperlyConfigured, match="database URL"):
        databases.parse_url(f"postgres://u@{hosts}/heroes")


def test_replicated_without_replica_or_host_list_changes_nothing():
    one_host = postgres("postgres://heroes:pw@db:5432/heroes")
    sqlite = {"default": dj_database_url.parse("sqlite:///db.sqlite3")}

    assert databases.replicated(one_host, {}) == one_host
    assert databases.replicated(sqlite, {}) == sqlite


def test_replicated_on_sqlite_with_replica_url_refuses_to_start():
    sqlite = {"default": dj_database_url.parse("sqlite:///db.sqlite3")}

    with pytest.raises(ImproperlyConfigured, match="DATABASE_REPLICA_URL"):
        databases.replicated(sqlite, {"DATABASE_REPLICA_URL": REPLICA})


def test_replicated_host_list_writes_to_whichever_host_is_the_primary():
    default = databases.replicated(postgres(), {})["default"]

    assert default["OPTIONS"]["target_session_attrs"] == "read-write"
    assert default["OPTIONS"]["pool"]["reconnect_timeout"] == 10.0


def test_replicated_replica_prefers_a_standby_with_the_primarys_options():
    result = databases.replicated(
        postgres(), {"DATABASE_REPLICA_URL": REPLICA, "DJANGO_DB_REPLICA_POOL_TIMEOUT": "0.5"}
    )
    replica = result["replica"]

    assert (replica["HOST"], replica["PORT"]) == ("10.0.0.2,10.0.0.1", "5433,5432")
    assert (replica["USER"], replica["PASSWORD"]) == ("reader", "rpw")
    assert replica["OPTIONS"]["target_session_attrs"] == "prefer-standby"
    assert replica["OPTIONS"]["server_side_binding"] is True
    assert replica["OPTIONS"]["prepare_threshold"] == 5
    assert replica["OPTIONS"]["pool"]["timeout"] == 0.5
    assert replica["OPTIONS"]["pool"]["max_size"] == 4
    assert replica["TEST"] == {"MIRROR": "default"}
    assert result["default"]["OPTIONS"]["pool"]["timeout"] == 5.0  # the primary's stays


def test_replicated_replica_url_may_choose_its_own_target():
    url = REPLICA + "?target_session_attrs=standby"
    replica = databases.replicated(postgres(), {"DATABASE_REPLICA_URL": url})["replica"]

    assert replica["OPTIONS"]["target_session_attrs"] == "standby"


@pytest.mark.parametrize(("value", "seconds"), [("", 5.0), ("0", 0.0), ("2.5", 2.5)])
def test_max_lag_comes_from_the_environment(value, seconds):
    assert databases.max_lag({"DJANGO_REPLICA_MAX_LAG": value}) == seconds


@pytest.mark.parametrize("value", ["-1", "soon", "inf", "nan"])
def test_max_lag_that_is_not_seconds_refuses_naming_it(value):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_REPLICA_MAX_LAG"):
        databases.max_lag({"DJANGO_REPLICA_MAX_LAG": value})


def test_settings_with_replica_url_add_its_database_router_and_middleware():
    code = (
        "import json, django\n"
        "from django.conf import settings as s\n"
        "django.setup()\n"
        "print(json.dumps({'databases': sorted(s.DATABASES), 'routers': s.DATABASE_ROUTERS,\n"
        "    'middleware': s.MIDDLEWARE[:4], 'lag': s.REPLICA_MAX_LAG}))\n"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "heroproject.settings",
            "DJANGO_SECRET_KEY": "k" * 50,
            "DATABASE_URL": PRIMARY,
            "DATABASE_REPLICA_URL": REPLICA,
            "DJANGO_REPLICA_MAX_LAG": "2",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr

    assert json.loads(result.stdout) == {
        "databases": ["default", "replica"],
        "routers": ["heroes.replicas.routing.ReplicaRouter"],
        "middleware": [
            "heroes.observability.request_ids.RequestIdMiddleware",
            "heroes.observability.metrics.MetricsMiddleware",
            "heroes.replicas.middleware.ReplicaReadsMiddleware",
            "django.middleware.security.SecurityMiddleware",
        ],
        "lag": 2.0,
    }


def test_settings_without_replica_url_have_no_router_or_middleware():
    assert "replica" not in settings.DATABASES
    assert settings.DATABASE_ROUTERS == []
    assert "heroes.replicas.middleware.ReplicaReadsMiddleware" not in settings.MIDDLEWARE
