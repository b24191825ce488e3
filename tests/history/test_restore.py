from heroes.history.restore import restore
from heroes.models import Hero


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
