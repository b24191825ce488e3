"""What makes SQLite and PostgreSQL answer alike.

- `fields`: names sort by code point on both.
- `lookups`: case-insensitive matching with Unicode's full case mapping on both
  (`fields` registers it on the hero's name).
- `checks`: refuses a PostgreSQL database that could not behave as SQLite does, and a
  database whose tally triggers are missing or changed.
- `triggers`: the tally triggers as their migrations create them, for the check and for
  `manage.py restore_tally_triggers`.
- `search_index`: the names' substring index (migrations 0015, 0016) that `icontains` reads
  for a text of three characters or more; `search_checks` refuses a database whose index or its
  triggers are missing or changed (`manage.py restore_search_index` rebuilds it).
"""
