"""What makes SQLite and PostgreSQL answer alike.

- `fields`: names sort by code point on both.
- `lookups`: case-insensitive matching with Unicode's full case mapping on both
  (`fields` registers it on the hero's name).
- `checks`: refuses a PostgreSQL database that could not behave as SQLite does, and a
  database whose tally triggers are missing or changed.
- `triggers`: the tally triggers as their migrations create them, for the check and for
  `manage.py restore_tally_triggers`.
"""
