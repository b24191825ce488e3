"""Indexes in the orders the hero list sorts by, NULLs last in every direction.

The list sorts a nullable column NULLs last both ways (heroes.api.filters.ordering).
SQLite keeps NULLs smallest, so a descending index already holds them last, and it
takes no NULLS clause in CREATE INDEX; PostgreSQL puts them first in a descending
index unless told, and then sorts the whole table rather than read that index.
"""

from django.db import models


class ListOrderIndex(models.Index):
    """A b-tree index whose descending nullable columns hold NULLs last on every backend."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql" or self.expressions:
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        fields = [model._meta.get_field(name) for name, _ in self.fields_orders]
        suffixes = [
            f"{order} NULLS LAST" if order == "DESC" and field.null else order
            for field, (_, order) in zip(fields, self.fields_orders, strict=True)
        ]
        return schema_editor._create_index_sql(
            model,
            fields=fields,
            name=self.name,
            using=using,
            db_tablespace=self.db_tablespace,
            col_suffixes=suffixes,
            opclasses=self.opclasses,
            condition=self._get_condition_sql(model, schema_editor),
            **kwargs,
        )
