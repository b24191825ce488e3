"""Case-insensitive matching that behaves the same on SQLite and PostgreSQL.

Both sides of `icontains` are upper-cased with Unicode's full case mapping, the one
Python's str.upper() applies ("ß" -> "SS", "ﬁ" -> "FI"). SQLite's own UPPER() folds ASCII
only, so there a Python function does it. PostgreSQL's UPPER() follows the collation of its
argument: "C" folds ASCII only and libc locales map one character to one, so the ICU root
collation is named explicitly; it gives Python's mapping whatever the database's locale.

Only the project's own text field uses it (heroes.portability.fields registers it on
CodePointCharField): other apps' fields, auth.User's username say, keep Django's lookup.
"""

from django.db.backends.signals import connection_created
from django.db.models.lookups import IContains

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
        params = [*lhs_params, *lhs_params, *lhs_params, *rhs_params]
        return sql, [*params, *lhs_params, *rhs_params]

    def as_postgresql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        collate = f'COLLATE "{POSTGRESQL_CASE_COLLATION}"'
        return f"UPPER(({lhs_sql})::text {collate}) LIKE UPPER(({rhs_sql})::text {collate})", [
            *lhs_params,
            *rhs_params,
        ]
