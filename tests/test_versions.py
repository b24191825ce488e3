import pytest
from django.db.models import signals

from heroes.models import Hero
from heroes.versions import VersionChanged


@pytest.fixture(
    autouse=True, params=["heroes.versions.Writer", "heroes.speed.saving.OneStatementWriter"]
)
def _both_ways(request, settings) -> None:
    # The model's rules hold either way: Model.save() and the public ORM, or one statement.
    settings.HEROES_WRITER = request.param


@pytest.fixture
def saves() -> list[tuple]:
    """What pre_save and post_save receivers were told, in order."""
    seen = []

    def pre(sender, instance, raw, using, update_fields, **kwargs):
        seen.append(("pre", instance.pk, instance.name, update_fields))

    def post(sender, instance, created, raw, using, update_fields, **kwargs):
        seen.append(("post", instance.pk, instance.name, created, update_fields))

    signals.pre_save.connect(pre, sender=Hero)
    signals.post_save.connect(post, sender=Hero)
    yield seen
    signals.pre_save.disconnect(pre, sender=Hero)
    signals.post_save.disconnect(post, sender=Hero)


def test_save_new_hero_inserts_it_with_signals(db, saves):
    hero = Hero(name="Deadpond", age=30, secret_name="Dive Wilson")

    hero.save()

    assert Hero.objects.filter(pk=hero.pk).values_list("name", "age", "secret_name").get() == (
        "Deadpond",
        30,
        "Dive Wilson",
    )
    assert saves == [("pre", None, "Deadpond", None), ("post", hero.pk, "Deadpond", True, None)]
    assert not hero._state.adding


def test_save_update_fields_writes_only_those_fields(db, saves):
    hero = Hero.objects.create(name="Deadpond", age=30, secret_name="Dive Wilson")
    stale = Hero.objects.get(pk=hero.pk)
    Hero.objects.filter(pk=hero.pk).update(age=31)  # another writer, meanwhile
    saves.clear()

    stale.name = "Deadpool"
    stale.save(update_fields=["name"])

    stored = Hero.objects.values_list("name", "age").get(pk=hero.pk)
    assert stored == ("Deadpool", 31)
    assert (stale.name, stale.age) == stored  # the row as it now is
    assert saves == [
        ("pre", hero.pk, "Deadpool", frozenset({"name"})),
        ("post", hero.pk, "Deadpool", False, frozenset({"name"})),
    ]


def test_save_of_deleted_hero_does_not_insert_it_again(db, saves):
    hero = Hero.objects.create(name="Deadpond", secret_name="Dive Wilson")
    Hero.objects.filter(pk=hero.pk).delete()
    saves.clear()

    hero.name = "Deadpool"
    with pytest.raises(Hero.DoesNotExist):
        hero.save(update_fields=["name"])

    assert not Hero.objects.exists()
    assert [kind for kind, *_ in saves] == ["pre"]


def test_save_with_no_update_fields_writes_nothing(db, saves):
    hero = Hero.objects.create(name="Deadpond", secret_name="Dive Wilson")
    saves.clear()

    hero.name = "Deadpool"
    hero.save(update_fields=[])

    assert Hero.objects.get(pk=hero.pk).name == "Deadpond"
    assert saves == []


def test_save_rolls_back_when_a_receiver_fails(db):
    def fail(**kwargs):
        raise RuntimeError("audit log unavailable")

    signals.post_save.connect(fail, sender=Hero)
    try:
        with pytest.raises(RuntimeError):
            Hero(name="Deadpond", secret_name="Dive Wilson").save()
    finally:
        signals.post_save.disconnect(fail, sender=Hero)

    assert not Hero.objects.exists()


def test_save_with_unknown_update_fields_is_refused(db):
    hero = Hero.objects.create(name="Deadpond", secret_name="Dive Wilson")

    with pytest.raises(ValueError, match="nickname"):
        hero.save(update_fields=["nickname"])


def test_save_failure_inside_atomic_rolls_the_block_back(db):
    from django.db import IntegrityError, transaction

    hero = Hero.objects.create(name="Deadpond", secret_name="Dive Wilson")
    hero.name = None  # NOT NULL: the UPDATE fails
    with transaction.atomic(), pytest.raises(IntegrityError):
        hero.save(update_fields=["name"])

    assert Hero.objects.get(pk=hero.pk).name == "Deadpond"


def test_save_update_counts_the_write_in_version(db):
    hero = Hero.objects.create(name="Deadpond", secret_name="Dive Wilson")

    hero.age = 30
    hero.save(update_fields=["age"])
    hero.name = "Deadpool"
    hero.save()

    assert hero.version == 3
    assert Hero.objects.values_list("age", "version").get(pk=hero.pk) == (30, 3)


@pytest.mark.parametrize(
    "update_fields", [["secret_name"], ["name", "age", "secret_name"], None, ["age"]]
)
def test_save_update_changing_nothing_public_keeps_version(db, update_fields):
    hero = Hero.objects.create(name="Deadpond", secret_name="Dive Wilson")  # age None

    hero.secret_name = "Someone else"
    hero.save(update_fields=update_fields)

    stored = Hero.objects.values_list("secret_name", "version").get(pk=hero.pk)
    assert stored == ("Someone else" if update_fields != ["age"] else "Dive Wilson", 1)
    assert hero.version == 1


@pytest.mark.parametrize(("field", "value"), [("name", "Deadpool"), ("age", 30), ("age", None)])
def test_save_update_changing_a_public_field_counts_it(db, field, value):
    hero = Hero.objects.create(name="Deadpond", age=31, secret_name="Dive Wilson")

    setattr(hero, field, value)
    hero.save(update_fields=[field])

    assert Hero.objects.values_list(field, "version").get(pk=hero.pk) == (value, 2)


def test_save_if_version_of_secret_only_write_still_checks_it(db):
    hero = Hero.objects.create(name="Deadpond", secret_name="Dive Wilson")
    Hero.objects.filter(pk=hero.pk).update(version=2)  # another writer, meanwhile

    hero.secret_name = "Someone else"
    with pytest.raises(VersionChanged):
        hero.save(update_fields=["secret_name"], if_version=1)

    assert Hero.objects.values_list("secret_name", "version").get(pk=hero.pk) == (
        "Dive Wilson",
        2,
    )


def test_save_if_version_writes_a_hero_still_at_that_version(db):
    hero = Hero.objects.create(name="Deadpond", secret_name="Dive Wilson")

    hero.name = "Deadpool"
    hero.save(update_fields=["name"], if_version=1)

    assert Hero.objects.values_list("name", "version").get(pk=hero.pk) == ("Deadpool", 2)


def test_save_if_version_of_a_hero_changed_meanwhile_writes_nothing(db, saves):
    hero = Hero.objects.create(name="Deadpond", secret_name="Dive Wilson")
    Hero.objects.filter(pk=hero.pk).update(age=30, version=2)  # another writer, meanwhile

    hero.name = "Deadpool"
    with pytest.raises(VersionChanged):
        hero.save(update_fields=["name"], if_version=1)

    assert Hero.objects.values_list("name", "version").get(pk=hero.pk) == ("Deadpond", 2)


def test_save_if_version_of_a_deleted_hero_raises_does_not_exist(db):
    hero = Hero.objects.create(name="Deadpond", secret_name="Dive Wilson")
    Hero.objects.filter(pk=hero.pk).delete()

    with pytest.raises(Hero.DoesNotExist):
        hero.save(if_version=1)

    assert not Hero.objects.filter(pk=hero.pk).exists()
