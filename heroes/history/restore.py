from django.db import router, transaction
from django.db.models import Max
from django.utils import timezone

from heroes.models import Hero

DATE_FORMAT = "%Y-%m-%d %H:%M:%S %Z"


def restore(hero: Hero, entry) -> None:
    """Writes back `hero`, as read from its history `entry` (and maybe edited since).

    A hero that still exists is updated, and its version goes on counting. A deleted one is
    inserted again with its id, at a version above every one it had, so that no ETag a
    client kept from before matches it by accident. Either way the history entry of this
    write says where it came from.
    """
    using = router.db_for_write(Hero, instance=hero)
    when = timezone.localtime(entry.history_date).strftime(DATE_FORMAT)
    with transaction.atomic(using=using):
        # Locked (PostgreSQL) or serialized (SQLite's IMMEDIATE) until the write commits.
        exists = Hero.objects.using(using).select_for_update().filter(pk=hero.pk).exists()
        if exists:
            hero._change_reason = f"Reverted to the version of {when}"
            hero._state.adding = False
            hero.save(using=using)
            return
        latest = Hero.history.using(using).filter(id=hero.pk).aggregate(version=Max("version"))
        hero.version = (latest["version"] or 0) + 1
        hero._change_reason = f"Restored after its deletion, as of {when}"
        hero._state.adding = True
        hero.save(force_insert=True, using=using)
