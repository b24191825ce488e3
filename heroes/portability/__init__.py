"""What makes SQLite and PostgreSQL answer alike.

- `fields`: names sort by code point on both.
- `lookups`: case-insensitive matching with Unicode's full case mapping on both.
- `checks`: refuses a PostgreSQL database that could not behave as SQLite does.
"""
