from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction


class RestoreCommand(BaseCommand):
    """Runs `statements`' SQL again in one transaction: what a migration made, restored."""

    # A module with applied(connection) and restore_statements(vendor).
    statements = None
    not_applied = "The migration is not applied: run manage.py migrate."
    done = "Restored."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options) -> None:
        connection = connections[options["database"]]
        if not self.statements.applied(connection):
            raise CommandError(self.not_applied)
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for statement in self.statements.restore_statements(connection.vendor):
                cursor.execute(statement)
        if options["verbosity"] > 0:
            self.stdout.write(self.done)
