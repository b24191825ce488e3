from heroes.management.restoring import RestoreCommand
from heroes.portability import search_index


class Command(RestoreCommand):
    """`restore_search_index`: the name search index as its migration made it."""

    help = (
        "Builds the substring index of hero names (migration 0016 on SQLite, 0015 on "
        "PostgreSQL) again from the heroes stored, with its triggers on SQLite, in one "
        "transaction. The check heroes.E005 names it."
    )
    statements = search_index
    not_applied = "The search index's migration is not applied: run manage.py migrate."
    done = "Rebuilt the name search index."
