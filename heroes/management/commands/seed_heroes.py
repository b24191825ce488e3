import time
from functools import partial

from django.core.management.base import BaseCommand, CommandError, CommandParser

from heroes import seeding


class Command(BaseCommand):
    """`seed_heroes --count N [--seed S]`: adds N deterministic made-up heroes."""

    help = (
        "Adds N made-up heroes in bulk, without history entries; the same --seed always adds "
        "the same heroes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="How many heroes to add.")
        parser.add_argument("--seed", type=int, default=0, help="Random seed (default 0).")
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not draw the progress bar."
        )

    def handle(self, *args, count: int, seed: int, no_progress: bool, **options) -> None:
        if count < 0:
            raise CommandError("--count must be zero or more.")
        show = options["verbosity"] > 0 and not no_progress
        progress = None
        if show and count:
            progress = seeding.ProgressBar(
                count, write=partial(self.stderr.write, style_func=str, ending="")
            )
        started = time.monotonic()
        seeding.insert(seeding.generate(count, seed), count, progress=progress)
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Added {count:,} heroes (seed {seed}) in {time.monotonic() - started:.1f}s, "
                "without history entries (a bulk load)."
            )
