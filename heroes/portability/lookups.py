"""Case-insensitive matching that behaves the same on SQLite and PostgreSQL.

Both sides of `icontains` are upper-cased with Unicode's full case mapping, the one
Python's str.upper() applies ("ß" -> "SS", "ﬁ" -> "FI"). SQLite's own UPPER() folds ASCII
only, so there a Python function does it. PostgreSQL's UPPER() follows the collation of its
argument: "C" folds ASCII only and libc locales map one character to one, so the ICU root
collation is named explicitly; it gives Python's mapping whatever the database's locale.

Only the project's own text field uses it (heroes.portability.fields registers it on
CodePointCharField): other apps' fields, auth.User's username say, keep Django's lookup.

A text of three characters or more on a column with a substring index (the hero's name,
heroes.portability.search_index) reads that index first: PostgreSQL's planner picks the
GIN trigram index on the compared expression by itself; on SQLite the lookup asks the table
of the names' suffixes for those that begin with the text (search_index.sqlite_range). The
comparison below still decides each row, so the answer is the full scan's, row for row.
"""

from django.db.backends.signals import connection_created
from django.db.models.expressions import Col
from django.db.models.lookups import IContains, Lookup

from heroes.portability import search_index

POSTGRESQL_CASE_COLLATION = "und-x-icu"


def _unicode_upper(value: str | None) -> str | None:
    return None if value is None else value.upper()


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "unicode_upper", 1, _unicode_upper, deterministic=True
        )


connection_created.connect(register_sqlite_functions)


class UnicodeIContains(IContains):
    """icontains with the same Unicode case folding on SQLite and PostgreSQL."""

    def as_sqlite(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        # A value of ASCII characters only (as many characters as bytes) upper-cases the same
        # in Python as in SQLite's LIKE, which folds ASCII case itself: those rows are
        # compared in C, without a call into Python per row. A table scan of a million
        # names (the admin search) drops from seconds to a fraction of a second.
        pattern = f"unicode_upper({rhs_sql})"
        sql = (
            f"CASE WHEN length({lhs_sql}) = length(CAST({lhs_sql} AS BLOB)) "
            f"THEN {lhs_sql} LIKE {pattern} ESCAPE '\\' "
            f"ELSE unicode_upper({lhs_sql}) LIKE {pattern} ESCAPE '\\' END"
        )
        params = [*lhs_params * 3, *rhs_params, *lhs_params, *rhs_params]
        candidates = self._sqlite_candidates(compiler)
        if candidates is None:
            return sql, params
        candidates_sql, candidates_params = candidates
        return f"({candidates_sql} AND {sql})", [*candidates_params, *params]

    def _sqlite_candidates(self, compiler) -> tuple[str, list] | None:
        """`pk IN (the rows whose name has a suffix that begins with the text)`, or None: no
        index for this column, or a text too short for it."""
        if not isinstance(self.lhs, Col) or not isinstance(self.rhs, str):
            return None
        target = self.lhs.target
        meta = target.model._meta
        table = search_index.SQLITE_INDEXES.get((meta.db_table, target.column))
        bounds = search_index.sqlite_range(self.rhs)
        if table is None or bounds is None:
            return None
        quote = compiler.connection.ops.quote_name
        pk = f"{compiler.quote_name_unless_alias(self.lhs.alias)}.{quote(meta.pk.column)}"
        suffixes = f'SELECT "hero_id" FROM {quote(table)} WHERE "suffix" >= %s AND "suffix" < %s'
        return f"{pk} IN ({suffixes})", list(bounds)

    def as_postgresql(self, compiler, connection):
        # The column itself, without the UPPER() Django's own icontains wraps it in: the
        # index's expression is on the bare column.
        lhs_sql, lhs_params = Lookup.process_lhs(self, compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        # ICU's case mapping is most of what a scan costs (benchmarks/hot_spots.md); on a
        # name of ASCII characters only (as many bytes as characters) the "C" collation's
        # ASCII mapping gives the same text. The trigram index (migration 0015) is on this
        # very expression, which the planner must find unchanged to use it.
        collate = f'COLLATE "{POSTGRESQL_CASE_COLLATION}"'
        ascii_only = f"octet_length({lhs_sql}) = char_length({lhs_sql})"
        ascii_upper = f'(UPPER(({lhs_sql})::text COLLATE "C") {collate})'
        folded = (
            f"CASE WHEN {ascii_only} THEN {ascii_upper} ELSE UPPER(({lhs_sql})::text {collate}) END"
        )
        # The column appears four times in the expression, the text once.
        params = [*lhs_params * 4, *rhs_params]
        return f"({folded}) LIKE UPPER(({rhs_sql})::text {collate})", params
