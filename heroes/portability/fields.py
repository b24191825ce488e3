from django.db import models

from heroes.portability.lookups import UnicodeIContains


class CodePointCharField(models.CharField):
    """A CharField that sorts by Unicode code point on every backend.

    SQLite compares text byte by byte (code point order for UTF-8). PostgreSQL sorts by
    the database's locale, which differs between servers ("a" < "B" under en_US, "B" < "a"
    under C). The column gets the "C" collation there, so ordering, comparisons and the
    index agree with SQLite whatever locale the database was created with. Its
    `icontains` folds case with Unicode's full mapping on both (heroes.portability.lookups).
    """

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql" and not self.db_collation:
            params["collation"] = "C"
        return params


# `icontains` on this field folds case as Python does, on both backends (lookups.py).
CodePointCharField.register_lookup(UnicodeIContains)
