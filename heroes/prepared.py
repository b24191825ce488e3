"""ORM queries compiled to SQL once per database, then run with new parameter values.

Building and compiling a queryset costs more than running it for the one-row lookups of
every API request (a hero by id, a token, a user's permissions, a hero's update). A
Prepared query is still written with the ORM, so quoting and backend differences stay
Django's; it is compiled the first time it runs on a database, with marker values
standing in for the parameters, and later runs only swap the values in.
"""

from collections.abc import Callable, Sequence
from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql import Query


class Prepared:
    """`build(*markers)` returns a queryset, or an update or insert query, whose only
    parameters are the markers."""

    def __init__(
        self,
        build: Callable[..., QuerySet | Query],
        *markers: object,
        suffix: str = "",
        returning: Sequence[str] = (),
    ):
        if len(set(markers)) != len(markers):
            raise ImproperlyConfigured("Prepared markers must be distinct.")
        self.build = build
        self.markers = markers
        # Appended SQL with its own trailing %s parameters, e.g. " LIMIT %s OFFSET %s".
        self.suffix = suffix
        # Columns an UPDATE or INSERT returns (SQLite 3.35+ and PostgreSQL), as plain values.
        self.returning = tuple(returning)
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, using: str) -> "_Compiled":
        built = self.build(*self.markers)
        query = built.query if isinstance(built, QuerySet) else built
        compiler = query.get_compiler(using=using)
        compiled = compiler.as_sql()
        # An insert compiles to one statement per batch of rows; here there is one row.
        (sql, params), *more = compiled if isinstance(compiled, list) else [compiled]
        if more:
            raise ImproperlyConfigured(f"{sql}: a Prepared query must be one statement.")
        try:
            positions = [self.markers.index(param) for param in params]
        except ValueError:
            raise ImproperlyConfigured(f"{sql}: parameters {params} are not all markers.") from None
        if self.returning:
            quote = connections[using].ops.quote_name
            sql += " RETURNING " + ", ".join(quote(column) for column in self.returning)
        # Values the database returns in another type (SQLite datetimes are text).
        selected = [column for column, *_ in compiler.select or ()]
        converters = compiler.get_converters(selected) if selected else {}
        return _Compiled(sql + self.suffix, positions, list(converters.items()))

    def rows(self, *values: object, using: str = "default", extra: Sequence = ()) -> list[tuple]:
        """Runs the query with `values` in place of the markers (and `extra` for the suffix)."""
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(
                compiled.sql, [values[position] for position in compiled.positions] + list(extra)
            )
            rows = cursor.fetchall()
        if not compiled.converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in compiled.converters:
                for function in functions:
                    row[position] = function(row[position], expression, connection)
            converted.append(tuple(row))
        return converted


class _Compiled(NamedTuple):
    sql: str
    positions: list[int]
    converters: list[tuple[int, tuple[list, object]]]
