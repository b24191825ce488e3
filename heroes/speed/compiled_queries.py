"""ORM querysets compiled to SQL once per database, then run with new parameter values.

Building and compiling a queryset costs more than running it for the one-row lookups of
most API requests (a hero by id, a token, a user's permissions). A CompiledQuery is still
written with the ORM, so quoting and backend differences stay Django's; it is compiled
the first time it runs on a database, with marker values standing in for the
parameters, and later runs only swap the values in. Switched off, each run builds and
runs the queryset with the values, as ordinary ORM code does.
"""

from collections.abc import Callable, Sequence
from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import QuerySet

from heroes import speed

# The suffixes a query may have, and the slice of its queryset each stands for.
_SLICES = {
    "": lambda: slice(None),
    " LIMIT %s": lambda limit: slice(0, limit),
    " LIMIT %s OFFSET %s": lambda limit, offset: slice(offset, offset + limit),
}


class CompiledQuery:
    """`build(*markers)` returns a queryset whose only parameters are the markers."""

    def __init__(self, build: Callable[..., QuerySet], *markers: object, suffix: str = ""):
        if len(set(markers)) != len(markers):
            raise ImproperlyConfigured("CompiledQuery markers must be distinct.")
        if suffix not in _SLICES:
            raise ImproperlyConfigured(
                f"CompiledQuery suffixes are {list(_SLICES)}, not {suffix!r}."
            )
        self.build = build
        self.markers = markers
        # Appended SQL with its own trailing %s parameters, e.g. " LIMIT %s OFFSET %s".
        self.suffix = suffix
        self._compiled: dict[str, _Compiled] = {}
        self._model = None

    def _compile(self, using: str) -> "_Compiled":
        # The compiler is what QuerySet iteration uses; it also gives the converters the
        # ORM applies to each column (SQLite returns datetimes and booleans as text/ints).
        compiler = self.build(*self.markers).query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        try:
            positions = [self.markers.index(param) for param in params]
        except ValueError:
            raise ImproperlyConfigured(f"{sql}: parameters {params} are not all markers.") from None
        selected = [column for column, *_ in compiler.select or ()]
        converters = compiler.get_converters(selected) if selected else {}
        return _Compiled(sql + self.suffix, positions, list(converters.items()))

    def read_alias(self) -> str:
        """The database the router reads this query's model from (a replica, or the primary)."""
        if self._model is None:
            self._model = self.build(*self.markers).model
        return router.db_for_read(self._model)

    def rows(self, *values: object, using: str | None = None, extra: Sequence = ()) -> list[tuple]:
        """Runs the query with `values` in place of the markers (and `extra` for the suffix),
        on `using`, or where the router reads the model from, as a queryset would."""
        if using is None:
            using = self.read_alias()
        if not speed.on("compiled_queries"):
            queryset = self.build(*values).using(using)
            return list(queryset[_SLICES[self.suffix](*extra)])
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
