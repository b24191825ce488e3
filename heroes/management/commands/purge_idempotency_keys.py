from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from heroes.models import IdempotencyKey


class Command(BaseCommand):
    """`purge_idempotency_keys`: deletes the keys older than IDEMPOTENCY_KEY_TTL."""

    help = "Deletes expired Idempotency-Key records (older than IDEMPOTENCY_KEY_TTL seconds)."

    def handle(self, *args, **options) -> None:
        # Expired keys already count as new; this only keeps the table small (run it from cron).
        cutoff = timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL)
        deleted, _ = IdempotencyKey.objects.filter(created__lt=cutoff).delete()
        if options["verbosity"] > 0:
            plural = "" if deleted == 1 else "s"
            self.stdout.write(f"Deleted {deleted:,} expired idempotency key{plural}.")
