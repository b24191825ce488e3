"""Health checks for load balancers and supervisors: /livez and /readyz.

/livez says the process answers; it touches no database, so a database outage never makes
a supervisor restart workers that are fine. /readyz says whether hero requests would
succeed now, with the statements they run (the required tables exist, the first hero and
the hero tally read), and on SQLite whether a write would: the file is there, writable,
and its disk not full. Each check costs about what one hero read costs, at any size.

With a read replica (heroes.replicas), /readyz checks both databases and names each one's
state: 200 while the primary is ready ("ready"), or while only the replica is, since reads
are still answered ("read-only"); 503 when neither is.
"""

import logging
from functools import cache

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.http import JsonResponse
from django.views.decorators.http import require_safe

from heroes.api.errors import RETRY_AFTER_SECONDS
from heroes.models import Hero
from heroes.portability.unavailable import unavailable_reason
from heroes.replicas.lag import REPLICA

logger = logging.getLogger(__name__)

# Kept by triggers (migrations 0005, 0006, 0011), not by models; lists count from them.
TALLY_TABLES = frozenset({"heroes_herotally", "heroes_heroagetally"})


@cache
def required_tables() -> frozenset[str]:
    """The tables of every installed model, and the tallies."""
    return frozenset(connection.introspection.django_table_names()) | TALLY_TABLES


@cache
def first_hero_sql() -> str:
    """Reads every column of the first hero: a column a migration has yet to add fails it."""
    quote, meta = connection.ops.quote_name, Hero._meta
    columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
    return f"SELECT {columns} FROM {quote(meta.db_table)} ORDER BY {quote(meta.pk.column)} LIMIT 1"


@require_safe
def livez(request):
    """200 while this process answers requests."""
    return JsonResponse({"status": "alive"})


@require_safe
def readyz(request):
    """200 when hero reads and writes would succeed now; 503 with the reason when not."""
    reason = readiness_problem()
    if REPLICA in connections.settings:
        return replicated_readiness(reason, readiness_problem(REPLICA), replica_server())
    if reason is None:
        return JsonResponse({"status": "ready"})
    return unavailable({"status": "unavailable", "detail": reason})


def replicated_readiness(
    primary: str | None, replica: str | None, server: str | None
) -> JsonResponse:
    """Each database's state; ready while the primary is, read-only while only the replica is.

    `server` says what the replica's connection reached: a standby, or (its URL lists the
    primary too, and no standby answers) the primary.
    """
    databases = {
        name: {"status": "ready"} if reason is None else {"status": "unavailable", "detail": reason}
        for name, reason in (("primary", primary), ("replica", replica))
    }
    if replica is None and server is not None:
        databases["replica"]["server"] = server
    if primary is None:
        return JsonResponse({"status": "ready", "databases": databases})
    if replica is None:
        return JsonResponse({"status": "read-only", "databases": databases})
    return unavailable({"status": "unavailable", "detail": primary, "databases": databases})


def unavailable(body: dict) -> JsonResponse:
    response = JsonResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def replica_server() -> str | None:
    """ "standby" or "primary": the server the replica's connection reached; None if none."""
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            return "standby" if cursor.fetchone()[0] else "primary"
    except DatabaseError:
        return None


def readiness_problem(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """Why hero requests would fail now on that database, or None."""
    connection = connections[using]
    # SQLite (heroes.portability.sqlite3): the file is there and would take a write.
    storage_problem = getattr(connection, "storage_problem", None)
    if storage_problem is not None and (reason := storage_problem()) is not None:
        return reason
    try:
        missing = required_tables() - set(connection.introspection.table_names())
        if missing:
            return f"The database is not migrated: no table {', '.join(sorted(missing))}."
        with connection.cursor() as cursor:
            cursor.execute(first_hero_sql())
            cursor.fetchone()
            # A standby is read-only by design: only the primary must take writes.
            if connection.vendor == "postgresql" and using == DEFAULT_DB_ALIAS:
                cursor.execute("SELECT current_setting('transaction_read_only')")
                if cursor.fetchone()[0] == "on":
                    return "The database is read-only."
            cursor.execute('SELECT "total" FROM "heroes_herotally" WHERE "id" = 1')
            cursor.fetchone()
    except DatabaseError as error:
        reason = unavailable_reason(error)
        if reason is None:
            # The error's class only: its text may quote a stored value (a secret name).
            logger.error("Readiness check failed: %s", type(error).__name__)
            return "The database failed a hero read."
        return reason
    return None
