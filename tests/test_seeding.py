from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from heroes import seeding
from heroes.models import NAME_MAX_LENGTH, SECRET_NAME_MAX_LENGTH, Hero


def _seed(count: int, seed: int = 0, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("seed_heroes", count=count, seed=seed, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def _stored() -> list[tuple]:
    return list(Hero.objects.order_by("id").values_list("name", "age", "secret_name"))


def test_seed_heroes_adds_the_count_asked_for(db):
    out, _ = _seed(1500)

    assert Hero.objects.count() == 1500
    assert "Added 1,500 heroes (seed 0)" in out


def _indexes() -> dict[str, dict]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Hero._meta.db_table)
    return {name: c for name, c in constraints.items() if c["index"]}


def test_seed_heroes_keeps_every_index_and_the_rows_findable(db):
    before = _indexes()

    _seed(500)

    assert _indexes() == before
    name = Hero.objects.order_by("id").values_list("name", flat=True)[250]
    assert Hero.objects.filter(name=name).exists()
    assert Hero.objects.filter(name__istartswith=name.lower()).exists()


def test_seed_heroes_is_deterministic(db):
    _seed(300, seed=7)
    first = _stored()
    Hero.objects.all().delete()

    _seed(300, seed=7)

    assert _stored() == first
    assert first == list(seeding.generate(300, seed=7))


def test_seed_heroes_with_another_seed_differs(db):
    assert list(seeding.generate(50, seed=1)) != list(seeding.generate(50, seed=2))


def test_seed_heroes_smaller_count_is_a_prefix_of_a_larger_one():
    assert list(seeding.generate(1234)) == list(seeding.generate(5000))[:1234]


def test_seed_heroes_stores_valid_heroes(db):
    _seed(2000)

    heroes = list(Hero.objects.all())
    for hero in heroes:
        hero.full_clean()
        assert 0 < len(hero.name) <= NAME_MAX_LENGTH
        assert 0 < len(hero.secret_name) <= SECRET_NAME_MAX_LENGTH
        assert hero.age is None or 0 <= hero.age < 100
    ages = [hero.age for hero in heroes]
    assert 100 < ages.count(None) < 300  # about one in ten has no age
    assert len({hero.name for hero in heroes}) > 1900  # names rarely repeat


def test_seed_heroes_draws_a_progress_bar(db):
    _, err = _seed(25_000)

    assert "\r[" in err
    assert "100% 25,000/25,000 heroes" in err


def test_seed_heroes_without_progress_bar(db):
    _, err = _seed(10, no_progress=True)

    assert err == ""
    assert Hero.objects.count() == 10


def test_seed_heroes_with_negative_count_is_rejected(db):
    with pytest.raises(CommandError, match="--count"):
        _seed(-1)

    assert Hero.objects.count() == 0
