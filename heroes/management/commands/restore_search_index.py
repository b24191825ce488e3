from heroes.management.restoring import RestoreCommand
from heroes.portability import search_index


class Command(RestoreCommand):
    """`restore_search_index`: the name search index as migration 0015 made it."""

    help = (
        "Builds the trigram index of hero names (migration 0015) again from the heroes "
        "stored, with its triggers on SQLite, in one transaction. The check heroes.E005 "
        "names it."
    )
    statements = search_index
    not_applied = "Migration 0015 is not applied: run manage.py migrate."
    done = "Rebuilt the name search index."
