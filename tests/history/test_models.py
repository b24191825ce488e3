import pytest
from django.db import OperationalError, connection

from heroes import seeding
from heroes.history.actors import running_command
from heroes.models import Hero


def _entries(hero_id: int) -> list[tuple]:
    return list(
        Hero.history.filter(id=hero_id)
        .order_by("history_id")
        .values_list("history_type", "name", "age", "secret_name", "version")
    )


def test_create_update_and_delete_each_record_one_entry(db):
    hero = Hero.objects.create(name="Deadpond", age=30, secret_name="Dive Wilson")
    hero_id = hero.pk
    hero.secret_name = "Wade Wilson"
    hero.save()
    Hero.objects.get(pk=hero_id).delete()

    assert _entries(hero_id) == [
        ("+", "Deadpond", 30, "Dive Wilson", 1),
        ("~", "Deadpond", 30, "Wade Wilson", 1),  # nothing public changed: same version
        ("-", "Deadpond", 30, "Wade Wilson", 1),
    ]


def test_update_of_some_fields_records_the_whole_row_as_it_became(db):
    hero = Hero.objects.create(name="Deadpond", age=30, secret_name="Dive Wilson")
    Hero.objects.filter(pk=hero.pk).update(age=31)  # another writer's change, unseen here
    hero.name = "Deadpool"

    hero.save(update_fields=["name"])

    assert _entries(hero.pk)[-1] == ("~", "Deadpool", 31, "Dive Wilson", 2)


def test_entry_outside_a_request_records_the_command(db):
    with running_command("shell"):
        hero = Hero.objects.create(name="Deadpond", secret_name="Dive Wilson")
    hero.save()

    commands = Hero.history.order_by("history_id").values_list("history_command", flat=True)
    assert list(commands) == ["shell", ""]
    entry = Hero.history.earliest("history_id")
    assert (entry.change, entry.command_name, entry.history_user) == ("created", "shell", None)


def test_bulk_seed_records_no_history(db):
    seeding.insert(seeding.generate(50, 0), 50)

    assert Hero.objects.count() == 50
    assert not Hero.history.exists()


# Not inside a test transaction: each write's own transaction is the outermost, as in a server.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("write", ["create", "update", "delete"])
def test_write_whose_history_entry_fails_leaves_neither(write):
    hero = Hero.objects.create(name="Deadpond", age=30, secret_name="Dive Wilson")
    before = _entries(hero.pk)

    def fail_history(execute, sql, params, many, context):
        if 'INSERT INTO "heroes_historicalhero"' in sql:
            raise OperationalError("disk I/O error")  # as a crash would leave it: no entry
        return execute(sql, params, many, context)

    def attempt() -> None:
        if write == "create":
            Hero.objects.create(name="Deadpool", secret_name="Wade Wilson")
        elif write == "update":
            hero.name = "Deadpool"
            hero.save()
        else:
            hero.delete()

    with connection.execute_wrapper(fail_history), pytest.raises(OperationalError):
        attempt()

    assert list(Hero.objects.values_list("name", "age", "version")) == [("Deadpond", 30, 1)]
    assert Hero.history.count() == 1
    assert _entries(Hero.objects.get().pk) == before


def test_history_manager_class_is_built_once(db):
    hero = Hero.objects.create(name="Deadpond", secret_name="Dive Wilson")

    assert type(hero.history) is type(Hero.objects.get().history)
    assert hero.history.get().name == "Deadpond"  # still the hero's own entries
