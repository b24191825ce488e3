from django.db import router, transaction
from django.db.models import Max
from django.utils import timezone

from heroes.models import Hero

DATE_FORMAT = "%Y-%m-%d %H:%M:%S %Z"


class RestoreRefused(Exception):
    """The hero was deleted, and whoever restores it may not create heroes."""


def restore(hero: Hero, entry, *, may_create: bool = True) -> None:
    """Writes back `hero`, as read from its history `entry` (and maybe edited since).

    A hero that still exists is updated, and its version goes on counting. A deleted one is
    inserted again with its id, at a version above every one it had, so that no ETag a
    client kept from before matches it by accident. Either way the history entry of this
    write says where it came from.
    """
    using = router.db_for_write(Hero, instance=hero)
    when = timezone.localtime(entry.history_date).strftime(DATE_FORMAT)
    with transaction.atomic(using=using):
        # A missing hero has no row to lock: its newest history entry is locked instead
        # (PostgreSQL; SQLite's IMMEDIATE lets one writer in), so that of two restores of one
        # deleted hero, the second finds it restored, and updates it.
        newest = Hero.history.using(using).filter(id=hero.pk).order_by("-history_id")
        list(newest.select_for_update().values_list("history_id")[:1])
        exists = Hero.objects.using(using).select_for_update().filter(pk=hero.pk).exists()
        if exists:
            hero._change_reason = f"Reverted to the version of {when}"
            hero._state.adding = False
            hero.save(using=using)
            return
        if not may_create:
            raise RestoreRefused(f"Hero {hero.pk} was deleted; restoring it creates it.")
        latest = Hero.history.using(using).filter(id=hero.pk).aggregate(version=Max("version"))
        hero.version = (latest["version"] or 0) + 1
        hero._change_reason = f"Restored after its deletion, as of {when}"
        hero._state.adding = True
        hero.save(force_insert=True, using=using)
