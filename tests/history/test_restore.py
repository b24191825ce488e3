import threading

import pytest
from django.db import connection

from heroes.history.restore import RestoreRefused, restore
from heroes.models import Hero
from tests.factories import needs_row_locks


def test_restore_deleted_hero_inserts_it_with_its_id_above_every_version(db):
    hero = Hero.objects.create(name="Deadpond", age=30, secret_name="Dive Wilson")
    hero_id = hero.pk
    hero.age = 31
    hero.save()
    hero.delete()
    deletion = Hero.history.latest("history_id")

    restore(deletion.instance, deletion)

    assert Hero.objects.values_list("id", "name", "age", "secret_name", "version").get() == (
        hero_id,
        "Deadpond",
        31,
        "Dive Wilson",
        3,
    )
    entry = Hero.history.latest("history_id")
    assert (entry.history_type, entry.version) == ("+", 3)
    assert entry.history_change_reason.startswith("Restored after its deletion, as of ")


def test_restore_deleted_hero_without_leave_to_create_writes_nothing(db):
    hero = Hero.objects.create(name="Deadpond", secret_name="Dive Wilson")
    hero.delete()
    deletion = Hero.history.latest("history_id")

    with pytest.raises(RestoreRefused):
        restore(deletion.instance, deletion, may_create=False)

    assert not Hero.objects.exists()
    assert Hero.history.count() == 2


def test_restore_earlier_version_of_existing_hero_updates_it(db):
    hero = Hero.objects.create(name="Deadpond", age=30, secret_name="Dive Wilson")
    first = Hero.history.get()
    hero.name = "Deadpool"
    hero.secret_name = "Wade Wilson"
    hero.save()

    restore(first.instance, first)

    assert Hero.objects.values_list("name", "age", "secret_name", "version").get() == (
        "Deadpond",
        30,
        "Dive Wilson",
        3,
    )
    entry = Hero.history.latest("history_id")
    assert entry.history_type == "~"
    assert entry.history_change_reason.startswith("Reverted to the version of ")
    assert Hero.history.count() == 3


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_restores_of_one_deleted_hero_at_once_create_it_once(monkeypatch):
    hero = Hero.objects.create(name="Deadpond", age=30, secret_name="Dive Wilson")
    hero_id = hero.pk
    hero.delete()
    deletion = Hero.history.get(history_type="-")
    inside, release = threading.Event(), threading.Event()
    save = Hero.save

    def paused_save(self, **kwargs):
        save(self, **kwargs)
        if threading.current_thread().name == "first":
            inside.set()
            release.wait(10)

    monkeypatch.setattr(Hero, "save", paused_save)
    errors = []

    def run():
        try:
            restore(Hero.history.get(history_id=deletion.history_id).instance, deletion)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()  # this thread's own connection

    first = threading.Thread(target=run, name="first")
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=run, name="second")
    second.start()
    second.join(0.5)
    waited = second.is_alive()
    release.set()
    for thread in (first, second):
        thread.join(10)

    assert waited  # for the first restore to commit
    assert errors == []
    # The second restore writes the values the first restored: nothing public changes.
    assert Hero.objects.values_list("id", "version").get() == (hero_id, 2)
    kinds = Hero.history.filter(id=hero_id).order_by("history_id")
    assert list(kinds.values_list("history_type", flat=True)) == ["+", "-", "+", "~"]
