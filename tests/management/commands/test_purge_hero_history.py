from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from heroes.models import Hero


def _purge(**options) -> str:
    out = StringIO()
    call_command("purge_hero_history", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def aged_history(make_hero) -> Hero:
    """A hero with entries 40, 20 and 0 days old."""
    hero = make_hero(age=1)
    for age in (2, 3):
        hero.age = age
        hero.save()
    now = timezone.now()
    for entry, days in zip(Hero.history.order_by("history_id"), (40, 20, 0), strict=True):
        Hero.history.filter(pk=entry.pk).update(history_date=now - timedelta(days=days))
    return hero


def test_purge_hero_history_deletes_entries_older_than_the_setting(aged_history, settings):
    settings.HISTORY_DAYS = 30

    output = _purge()

    assert output == "Deleted 1 history entry older than 30 days.\n"
    assert list(Hero.history.order_by("history_id").values_list("age", flat=True)) == [2, 3]


def test_purge_hero_history_days_option_wins(aged_history, settings):
    settings.HISTORY_DAYS = 30

    output = _purge(days=10)

    assert output == "Deleted 2 history entries older than 10 days.\n"
    assert list(Hero.history.values_list("age", flat=True)) == [3]
    assert Hero.objects.get().age == 3


def test_purge_hero_history_keeps_everything_by_default(aged_history, settings):
    settings.HISTORY_DAYS = None

    output = _purge()

    assert output == "DJANGO_HISTORY_DAYS is not set: every entry is kept.\n"
    assert Hero.history.count() == 3


@pytest.mark.parametrize("days", [0, -1, 36_501, 10**9])
def test_purge_hero_history_refuses_days_out_of_range(aged_history, days):
    with pytest.raises(CommandError, match="--days must be from 1 to 36500"):
        _purge(days=days)

    assert Hero.history.count() == 3
