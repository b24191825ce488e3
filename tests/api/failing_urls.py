"""The project's routes and error handlers, and views that fail as a bug or a refusal would."""

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.urls import path

from heroproject.urls import handler400, handler403, handler404, handler500, urlpatterns


def fail(request):
    raise RuntimeError("a bug")


def forbid(request):
    raise PermissionDenied


def query_missing_table(request):
    # In a savepoint, so the test's own transaction stays usable on PostgreSQL.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM no_such_table")


urlpatterns = [
    path("fail/", fail),
    path("forbid/", forbid),
    path("query-missing-table/", query_missing_table),
    *urlpatterns,
]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
