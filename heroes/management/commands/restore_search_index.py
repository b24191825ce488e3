from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from heroes.portability import search_index


class Command(BaseCommand):
    """`restore_search_index`: the name search index as migration 0015 made it."""

    help = (
        "Builds the trigram index of hero names (migration 0015) again from the heroes "
        "stored, with its triggers on SQLite, in one transaction. The check heroes.E005 "
        "names it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options) -> None:
        connection = connections[options["database"]]
        if not search_index.applied(connection):
            raise CommandError("Migration 0015 is not applied: run manage.py migrate.")
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for statement in search_index.restore_statements(connection.vendor):
                cursor.execute(statement)
        if options["verbosity"] > 0:
            self.stdout.write("Rebuilt the name search index.")
