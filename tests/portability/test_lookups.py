import pytest
from django.contrib.auth.models import User
from django.db.models.lookups import IContains

from heroes.models import Hero
from heroes.portability.lookups import UnicodeIContains

# LATIN SMALL LETTER LONG S upper-cases to the ASCII "S".
LONG_S_SPIDER = "\u017fpider"

NAMES = ["Spider-Boy", "Bass Man", LONG_S_SPIDER, "Ünïcødé Man", "STRASSE", "straße"]


@pytest.fixture
def heroes(db):
    for name in NAMES:
        Hero.objects.create(name=name, secret_name="s")


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("spider", {"Spider-Boy", LONG_S_SPIDER}),
        ("SPIDER", {"Spider-Boy", LONG_S_SPIDER}),
        ("man", {"Bass Man", "Ünïcødé Man"}),
        ("ünï", {"Ünïcødé Man"}),
        ("ss", {"Bass Man", "STRASSE", "straße"}),  # "ß" upper-cases to "SS"
        ("ß", {"Bass Man", "STRASSE", "straße"}),
        ("%", set()),
        ("_", set()),
    ],
)
def test_icontains_folds_case_for_ascii_and_non_ascii_names(heroes, term, expected):
    assert set(Hero.objects.filter(name__icontains=term).values_list("name", flat=True)) == expected


def test_the_unicode_lookup_is_the_hero_names_only():
    assert Hero._meta.get_field("name").get_lookup("icontains") is UnicodeIContains
    assert Hero.history.model._meta.get_field("name").get_lookup("icontains") is UnicodeIContains
    # Other apps' text fields, and the hero's other fields, keep Django's own.
    assert User._meta.get_field("username").get_lookup("icontains") is IContains
    assert Hero._meta.get_field("secret_name").get_lookup("icontains") is IContains


def test_other_apps_icontains_is_djangos(db):
    User.objects.create_user(username="Spider-Boy")

    query = str(User.objects.filter(username__icontains="spider").query)
    assert "unicode_upper" not in query
    assert User.objects.filter(username__icontains="SPIDER").count() == 1
