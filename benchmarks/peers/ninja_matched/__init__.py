"""The django-ninja peer, feature-matched: the project's per-request work, as ninja's docs write it.

The same as the project: Django's auth models; `Authorization: Token <key>` over DRF's
`authtoken_token` (an HttpBearer with the Token keyword; an inactive user's token is
refused; 401 with `WWW-Authenticate: Token`); writes ask `request.auth.has_perm(
"heroes.add_hero")` and its kin (Django's ModelBackend: superuser, user and group
permissions; 403); django-simple-history writes a `heroes_historicalhero` entry for each
create, update and delete, with its user, inside the write's `transaction.atomic`; every
update adds one to `version`, the hero's strong ETag `"<version>"`, with 304 to a matching
If-None-Match; POST answers 201 with Location (and the ETag); lists answer {count, next,
previous, results}, limit capped at 100; SQLite runs with the project's options.

Its own way: ninja's ModelSchema, FilterSchema and a custom pagination class, the row
locked (select_for_update) and saved whole by Model.save(), the user recorded through
simple-history's `_history_user`, and Django's ConditionalGetMiddleware answering 304s (and
giving lists a strong ETag of its own, a digest of the body). Where its answers differ:
reads ignore any token, and an invalid body answers ninja's 422 rather than 400. Served by
gunicorn, in the peers' virtualenv, on the tables the project's migrations made: nothing
here has a migration.
"""
