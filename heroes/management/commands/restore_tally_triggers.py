from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from heroes.portability import triggers


class Command(BaseCommand):
    """`restore_tally_triggers`: the tally triggers as their migrations made them."""

    help = (
        "Recreates the triggers that keep the hero tallies (migrations 0005, 0006 and 0011) "
        "and recounts the tallies, in one transaction. The check heroes.E003 names it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options) -> None:
        connection = connections[options["database"]]
        if not triggers.applied(connection):
            raise CommandError("The tally migrations are not applied: run manage.py migrate.")
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for statement in triggers.restore_statements(connection.vendor):
                cursor.execute(statement)
        if options["verbosity"] > 0:
            self.stdout.write("Restored the tally triggers and recounted the tallies.")
