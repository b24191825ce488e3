"""API tokens move from DRF's authtoken table, in plain text, to knox's, hashed.

Each token keeps working: knox finds a token by its first TOKEN_KEY_LENGTH characters and
compares the digest of the whole, whatever its length, so a 40-character DRF key is a knox
token once its digest is stored. It keeps its `created`, and expires DJANGO_TOKEN_TTL
seconds from this migration (never, with 0). The plain rows are then deleted, on SQLite
with secure_delete on, so that the pages are overwritten rather than merely freed, and the
write-ahead log is checkpointed into the file and emptied.

rest_framework.authtoken is no longer installed, so its table is read with SQL, and only
where it exists (a database made after this change never had it). The table stays,
empty, for code from before this change. Reversing this migration changes no token:
the plain keys cannot be recovered from their digests, so such code finds no token and
its clients log in again.
"""

from django.db import migrations
from django.utils import timezone
from knox.crypto import hash_token
from knox.settings import CONSTANTS, knox_settings

PLAIN_TABLE = "authtoken_token"


def _has_plain_tokens(schema_editor) -> bool:
    return PLAIN_TABLE in schema_editor.connection.introspection.table_names()


def hash_plain_tokens(apps, schema_editor) -> None:
    if not _has_plain_tokens(schema_editor):
        return
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    knox_table = apps.get_model("knox", "AuthToken")._meta.db_table
    expiry = None if knox_settings.TOKEN_TTL is None else timezone.now() + knox_settings.TOKEN_TTL
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('key')}, user_id, created FROM {quote(PLAIN_TABLE)}")
        # SQL in, SQL out: `created` goes back as the database gave it, unconverted.
        moved = [
            (hash_token(key), key[: CONSTANTS.TOKEN_KEY_LENGTH], user_id, created)
            for key, user_id, created in cursor.fetchall()
        ]
        cursor.executemany(
            f"INSERT INTO {quote(knox_table)} (digest, token_key, user_id, created, expiry)"
            " VALUES (%s, %s, %s, %s, %s)",
            [(*row, connection.ops.adapt_datetimefield_value(expiry)) for row in moved],
        )
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA secure_delete = ON")
        cursor.execute(f"DELETE FROM {quote(PLAIN_TABLE)}")


def empty_write_ahead_log(apps, schema_editor) -> None:
    # Outside the transaction, which a checkpoint cannot run in: the deleted keys' pages go
    # into the database file, overwritten, and the log that still holds them is emptied.
    connection = schema_editor.connection
    if connection.vendor == "sqlite" and _has_plain_tokens(schema_editor):
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class Migration(migrations.Migration):
    atomic = False  # each step below says whether it is atomic

    dependencies = [
        ("heroes", "0012_hero_history"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.CreateModel(
            name="APIToken",
            fields=[],
            options={
                "verbose_name": "API token",
                "verbose_name_plural": "API tokens",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("knox.authtoken",),
        ),
        migrations.RunPython(hash_plain_tokens, migrations.RunPython.noop, atomic=True),
        migrations.RunPython(empty_write_ahead_log, migrations.RunPython.noop, atomic=False),
    ]
