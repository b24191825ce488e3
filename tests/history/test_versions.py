from heroes import seeding
from heroes.history.versions import public_versions
from heroes.models import Hero


def _listed(hero_id: int) -> list[tuple]:
    return [(entry.change, entry.name, entry.age) for entry in public_versions(hero_id)]


def test_public_versions_list_changes_newest_first(db):
    hero = Hero.objects.create(name="Deadpond", secret_name="Dive Wilson")
    hero_id = hero.pk
    hero.age = 30
    hero.save()
    hero.name = "Deadpool"
    hero.save()
    hero.age = None
    hero.save()
    hero.delete()

    assert _listed(hero_id) == [
        ("deleted", "Deadpool", None),
        ("updated", "Deadpool", None),
        ("updated", "Deadpool", 30),
        ("updated", "Deadpond", 30),
        ("created", "Deadpond", None),
    ]
    assert public_versions(hero_id).count() == 5


def test_public_versions_leave_out_changes_of_the_secret_name_alone(db):
    hero = Hero.objects.create(name="Deadpond", age=30, secret_name="Dive Wilson")
    hero.secret_name = "Wade Wilson"
    hero.save()
    hero.save()  # nothing changed
    hero.age = 31
    hero.save()

    assert _listed(hero.pk) == [("updated", "Deadpond", 31), ("created", "Deadpond", 30)]
    assert Hero.history.filter(id=hero.pk).count() == 4


def test_public_versions_leave_out_an_update_whose_predecessor_was_purged(db):
    hero = Hero.objects.create(name="Deadpond", age=30, secret_name="Dive Wilson")
    hero.secret_name = "Wade Wilson"
    hero.save()
    hero.age = 31
    hero.save()
    Hero.history.filter(history_type="+").delete()

    # The first update left may have changed only the secret name: it is not listed.
    assert _listed(hero.pk) == [("updated", "Deadpond", 31)]


def test_public_versions_leave_out_the_first_update_of_a_hero_loaded_in_bulk(db):
    seeding.insert(seeding.generate(1, 0), 1)
    hero = Hero.objects.get()
    hero_id, name, age = hero.pk, hero.name, hero.age
    hero.secret_name = "Wade Wilson"
    hero.save()
    hero.delete()

    assert _listed(hero_id) == [("deleted", name, age)]


def test_public_versions_are_those_of_one_hero(db):
    first = Hero.objects.create(name="Deadpond", secret_name="Dive Wilson")
    Hero.objects.create(name="Rusty-Man", secret_name="Tommy Sharp")

    assert _listed(first.pk) == [("created", "Deadpond", None)]
