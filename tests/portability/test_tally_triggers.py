"""The tally triggers are checked (heroes.E003, heroes.E004) and restored by a command."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection

from heroes.models import Hero
from heroes.portability.checks import check_tally_triggers
from heroes.speed import tallies

pytestmark = pytest.mark.django_db


def _drop(trigger: str) -> None:
    on = ' ON "heroes_hero"' if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TRIGGER "{trigger}"{on}')


def _errors() -> list:
    return check_tally_triggers(databases=["default"])


def test_the_migrated_database_has_every_tally_trigger():
    assert _errors() == []


def test_a_dropped_trigger_is_an_error_naming_the_command_that_restores_it():
    _drop("heroes_hero_tally_insert")

    errors = _errors()

    assert [error.id for error in errors] == ["heroes.E003"]
    assert "'heroes_hero_tally_insert'" in errors[0].msg
    assert "python manage.py restore_tally_triggers --database default" in errors[0].hint
    with pytest.raises(SystemCheckError, match="restore_tally_triggers"):
        call_command("check", databases=["default"])


def test_a_changed_trigger_is_an_error():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The function behind it counts nothing now.
            cursor.execute(
                'CREATE OR REPLACE FUNCTION "heroes_hero_tally_insert"() RETURNS trigger '
                "LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$"
            )
            changed = "'heroes_hero_tally_insert()'"
        else:
            _drop("heroes_hero_age_tally_delete")
            cursor.execute(
                'CREATE TRIGGER "heroes_hero_age_tally_delete" AFTER DELETE ON "heroes_hero" '
                "BEGIN SELECT 1; END"
            )
            changed = "'heroes_hero_age_tally_delete'"

    errors = _errors()

    assert [error.id for error in errors] == ["heroes.E004"]
    assert changed in errors[0].msg


def test_the_command_restores_the_triggers_and_recounts_the_tallies(settings):
    # The triggers keep the tallies whatever the speed layer does; read them through it.
    settings.HEROES_SPEED_OFF = frozenset()
    Hero.objects.create(name="Counted", age=30, secret_name="s")
    _drop("heroes_hero_tally_insert")
    _drop("heroes_hero_age_tally_insert")
    Hero.objects.create(name="Missed", age=30, secret_name="s")
    assert tallies.total() == Hero.objects.count() - 1

    call_command("restore_tally_triggers", verbosity=0)

    assert _errors() == []
    assert tallies.total() == Hero.objects.count()
    assert tallies.count_between(30, 30) == 2
    Hero.objects.create(name="Counted again", age=30, secret_name="s")
    assert tallies.total() == Hero.objects.count()
    assert tallies.count_between(30, 30) == 3


def test_the_command_on_intact_triggers_changes_nothing():
    Hero.objects.create(name="One", secret_name="s")
    total = tallies.total()

    call_command("restore_tally_triggers", verbosity=0)

    assert _errors() == []
    assert tallies.total() == total
