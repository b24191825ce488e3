from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from heroes.models import Hero


class Command(BaseCommand):
    """`purge_hero_history [--days N]`: deletes the history entries older than N days."""

    help = (
        "Deletes hero history entries older than --days, by default DJANGO_HISTORY_DAYS; "
        "with neither, keeps every entry. A deleted hero whose entries are all gone can no "
        "longer be restored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, help="Keep this many days of history (default DJANGO_HISTORY_DAYS)."
        )

    def handle(self, *args, days: int | None, **options) -> None:
        days = settings.HISTORY_DAYS if days is None else days
        if days is None:
            if options["verbosity"] > 0:
                self.stdout.write("DJANGO_HISTORY_DAYS is not set: every entry is kept.")
            return
        if not 1 <= days <= settings.HISTORY_DAYS_MAX:
            raise CommandError(f"--days must be from 1 to {settings.HISTORY_DAYS_MAX}.")
        cutoff = timezone.now() - timedelta(days=days)
        deleted, _ = Hero.history.filter(history_date__lt=cutoff).delete()
        if options["verbosity"] > 0:
            plural = "y" if deleted == 1 else "ies"
            self.stdout.write(f"Deleted {deleted:,} history entr{plural} older than {days} days.")
