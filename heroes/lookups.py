"""Case-insensitive matching that behaves the same on SQLite and PostgreSQL.

SQLite's LIKE and UPPER fold ASCII letters only, so "ünï" would not match "ÜNÏ"
there while it does on PostgreSQL. On SQLite we compare Python-uppercased values
through a registered function, which is what PostgreSQL's UPPER() does with a
UTF-8 locale.
"""

from django.db.backends.signals import connection_created
from django.db.models import CharField, TextField
from django.db.models.lookups import IContains


def _unicode_upper(value: str | None) -> str | None:
    if value is None:
        return None
    upper = value.upper()
    if len(upper) == len(value):
        return upper
    # PostgreSQL maps one character to one ("ß" stays "ß"); Python may expand it to "SS".
    return "".join(c if len(c.upper()) > 1 else c.upper() for c in value)


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "unicode_upper", 1, _unicode_upper, deterministic=True
        )


connection_created.connect(register_sqlite_functions)


class UnicodeIContains(IContains):
    """icontains that folds non-ASCII letters on SQLite too."""

    def as_sqlite(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"unicode_upper({lhs_sql}) LIKE unicode_upper({rhs_sql}) ESCAPE '\\'", [
            *lhs_params,
            *rhs_params,
        ]


CharField.register_lookup(UnicodeIContains)
TextField.register_lookup(UnicodeIContains)
