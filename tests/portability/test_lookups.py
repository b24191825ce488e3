import pytest

from heroes.models import Hero

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
