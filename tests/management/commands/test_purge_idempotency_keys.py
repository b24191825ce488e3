import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from heroes.models import IdempotencyKey

TTL_CODE = "from heroproject import settings; print(settings.IDEMPOTENCY_KEY_TTL)"


def _purge(**options) -> str:
    out = StringIO()
    call_command("purge_idempotency_keys", stdout=out, **options)
    return out.getvalue()


def _key(user, key: str, age_seconds: float) -> IdempotencyKey:
    return IdempotencyKey.objects.create(
        user=user,
        key=key,
        fingerprint="0" * 64,
        status=201,
        body='{"id": 1, "name": "Deadpond", "age": null}',
        created=timezone.now() - timedelta(seconds=age_seconds),
    )


def test_purge_deletes_only_expired_keys_and_says_how_many(writer, reader):
    ttl = settings.IDEMPOTENCY_KEY_TTL
    _key(writer, "old", ttl + 60)
    _key(reader, "old", ttl + 1)
    _key(writer, "fresh", ttl - 60)
    _key(reader, "new", 0)

    out = _purge()

    assert out == "Deleted 2 expired idempotency keys.\n"
    assert sorted(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh", "new"]


def test_purge_follows_the_ttl_setting(writer, settings):
    settings.IDEMPOTENCY_KEY_TTL = 10
    _key(writer, "a", 11)
    _key(writer, "b", 5)

    assert _purge() == "Deleted 1 expired idempotency key.\n"
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["b"]


def test_purge_with_nothing_expired_deletes_nothing(db):
    assert _purge() == "Deleted 0 expired idempotency keys.\n"


def test_purge_is_quiet_at_verbosity_zero(writer):
    _key(writer, "old", settings.IDEMPOTENCY_KEY_TTL + 1)

    assert _purge(verbosity=0) == ""
    assert not IdempotencyKey.objects.exists()


def _ttl_setting(**env: str) -> int:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", TTL_CODE],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_SECRET_KEY": "x" * 50, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return int(result.stdout)


def test_ttl_is_a_day_unless_the_environment_says_otherwise():
    assert _ttl_setting() == 86_400
    assert _ttl_setting(DJANGO_IDEMPOTENCY_KEY_TTL="3600") == 3600
