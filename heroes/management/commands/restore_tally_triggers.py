from heroes.management.restoring import RestoreCommand
from heroes.portability import triggers


class Command(RestoreCommand):
    """`restore_tally_triggers`: the tally triggers as their migrations made them."""

    help = (
        "Recreates the triggers that keep the hero tallies (migrations 0005, 0006 and 0011) "
        "and recounts the tallies, in one transaction. The check heroes.E003 names it."
    )
    statements = triggers
    not_applied = "The tally migrations are not applied: run manage.py migrate."
    done = "Restored the tally triggers and recounted the tallies."
