"""Database settings: each engine's options, PostgreSQL's multi-host URLs and read replica.

`DATABASE_URL` may list several hosts, as libpq allows
(`postgres://user@host1:5432,host2:5433/heroes`): the app writes to whichever of them is the
primary (libpq's `target_session_attrs=read-write`), so a promoted standby takes the writes
without a configuration change. `DATABASE_REPLICA_URL`, in the same form, adds the database
alias `replica`, which prefers a standby among its hosts (`prefer-standby`) and falls back
to any of them; heroes.replicas decides which reads it serves. No app code is imported here:
settings are read before any app loads.
"""

import copy
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

REPLICA = "replica"
POSTGRESQL = "django.db.backends.postgresql"
# Anonymous reads see data at most this many seconds old (DJANGO_REPLICA_MAX_LAG).
DEFAULT_MAX_LAG = 5.0


def parse_url(url: str, **options) -> dict:
    """dj_database_url.parse(), which reads one host only, also for libpq's list of hosts."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql") or "," not in parts.netloc:
        return dj_database_url.parse(url, **options)
    userinfo, _, host_list = parts.netloc.rpartition("@")
    hosts, ports = zip(*(_host_and_port(item) for item in host_list.split(",")), strict=True)
    if not all(hosts):
        raise ImproperlyConfigured(f"A database URL lists an empty host: {host_list!r}.")
    first = f"{userinfo}@{host_list.split(',')[0]}" if userinfo else host_list.split(",")[0]
    database = dj_database_url.parse(urlunsplit(parts._replace(netloc=first)), **options)
    database["HOST"] = ",".join(hosts)
    # libpq takes one port per host, or none for all of them (its default, 5432).
    database["PORT"] = ",".join(port or "5432" for port in ports) if any(ports) else ""
    return database


def _host_and_port(item: str) -> tuple[str, str]:
    if item.startswith("["):  # an IPv6 address: libpq takes it without the brackets
        host, _, rest = item[1:].partition("]")
        port = rest.removeprefix(":")
    else:
        host, _, port = item.partition(":")
    if port and not (port.isascii() and port.isdigit()):
        raise ImproperlyConfigured(f"A database URL names a port that is not a number: {item!r}.")
    return host, port


def tune(database: dict, env) -> None:
    """The engine's options: SQLite for several gunicorn workers, psycopg's pool on PostgreSQL."""
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # Django's backend, except that only `migrate` creates a missing file: a request on a
        # deleted database answers 503 instead of starting an empty one.
        database["ENGINE"] = "heroes.portability.sqlite3"
        # Several gunicorn workers share one file: WAL lets readers run beside the writer,
        # IMMEDIATE takes the write lock at BEGIN so two writers queue on the busy timeout
        # instead of failing with "database is locked" on lock upgrade.
        database["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif database["ENGINE"] == POSTGRESQL:
        # psycopg's pool: each worker reuses its connections, and a worker that cannot get one
        # (the server is out of connection slots) waits up to the timeout, then answers 503.
        # A sync gunicorn worker runs one request at a time and holds one connection; threads
        # (gthread workers, or tests) may open up to max_size.
        database["CONN_MAX_AGE"] = 0  # the pool keeps connections instead
        database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DJANGO_DB_POOL_MIN_SIZE", default=1),
            "max_size": env.int("DJANGO_DB_POOL_MAX_SIZE", default=4),
            "timeout": env.float("DJANGO_DB_POOL_TIMEOUT", default=5.0),
        }
        # psycopg prepares a statement a connection has run this many times, so PostgreSQL
        # plans it once, not per request. Empty: never (PgBouncer without prepared statements).
        # After a migration that changes a column's type, restart the app servers.
        if threshold := env.str("DJANGO_DB_PREPARE_THRESHOLD", default="5"):
            if not (threshold.isascii() and threshold.isdigit()):
                raise ImproperlyConfigured(
                    f"DJANGO_DB_PREPARE_THRESHOLD: not a number: {threshold!r}"
                )
            database["OPTIONS"]["server_side_binding"] = True
            database["OPTIONS"]["prepare_threshold"] = int(threshold)


def replicated(databases: dict, environ: Mapping[str, str]) -> dict:
    """`databases` with the primary's target and, when DATABASE_REPLICA_URL is set, `replica`.

    Unchanged on SQLite, and for one host without DATABASE_REPLICA_URL.
    """
    default = databases["default"]
    replica_url = environ.get("DATABASE_REPLICA_URL", "")
    several_hosts = "," in default.get("HOST", "")
    if default["ENGINE"] != POSTGRESQL:
        if replica_url:
            raise ImproperlyConfigured(
                "DATABASE_REPLICA_URL is set but DATABASE_URL is not a PostgreSQL database: "
                "read replicas need PostgreSQL's streaming replication. Unset it."
            )
        return databases
    if not replica_url and not several_hosts:
        return databases
    result = dict(databases)
    result["default"] = primary = copy.deepcopy(default)
    options = primary.setdefault("OPTIONS", {})
    options.setdefault("target_session_attrs", "read-write")
    _quick_reconnect(options, environ)
    if replica_url:
        result[REPLICA] = replica_settings(primary, parse_url(replica_url), environ)
    return result


def replica_settings(primary: dict, parsed: dict, environ: Mapping[str, str]) -> dict:
    """The replica's settings: its servers and login, the primary's pool and statement options."""
    if parsed["ENGINE"] != POSTGRESQL:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a postgres:// URL.")
    replica = copy.deepcopy(primary)
    for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT"):
        replica[key] = parsed.get(key, "")
    options = replica["OPTIONS"]
    options.update({k: v for k, v in parsed.get("OPTIONS", {}).items() if k != "pool"})
    options["target_session_attrs"] = parsed.get("OPTIONS", {}).get(
        "target_session_attrs", "prefer-standby"
    )
    if "pool" in options:
        # A replica that does not answer is left for the primary after this wait, not the
        # primary's: the request that finds out is answered from the primary meanwhile.
        options["pool"]["timeout"] = _seconds(environ, "DJANGO_DB_REPLICA_POOL_TIMEOUT", 1.0)
    # Tests read and write one database: the replica is the primary's test database.
    replica["TEST"] = {"MIRROR": "default"}
    return replica


def _quick_reconnect(options: dict, environ: Mapping[str, str]) -> None:
    # psycopg's pool retries a lost server with a doubling delay for this long, then gives
    # up and tries again at the next request: a promoted standby is found within about
    # this long rather than after the pool's default of five minutes of growing delays.
    if "pool" in options:
        options["pool"]["reconnect_timeout"] = _seconds(
            environ, "DJANGO_DB_POOL_RECONNECT_TIMEOUT", 10.0
        )


def routers(databases: dict) -> list[str]:
    """DATABASE_ROUTERS: the replica's router when there is a replica, else none."""
    return ["heroes.replicas.routing.ReplicaRouter"] if REPLICA in databases else []


def middleware(middleware: list[str], databases: dict) -> list[str]:
    """MIDDLEWARE with the replica's (the read policy of each request) when there is one."""
    if REPLICA not in databases:
        return middleware
    # Inside the metrics, so that a read answered again from the primary counts once.
    at = middleware.index("heroes.observability.metrics.MetricsMiddleware") + 1
    return [*middleware[:at], "heroes.replicas.middleware.ReplicaReadsMiddleware", *middleware[at:]]


def max_lag(environ: Mapping[str, str]) -> float:
    """DJANGO_REPLICA_MAX_LAG: how old, in seconds, the data an anonymous read sees may be."""
    return _seconds(environ, "DJANGO_REPLICA_MAX_LAG", DEFAULT_MAX_LAG)


def _seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    value = environ.get(name, "")
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise ImproperlyConfigured(f"{name} is {value!r}; set it to a number of seconds, >= 0.")
    return seconds
