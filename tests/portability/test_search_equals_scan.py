"""Substring search through the trigram index finds exactly what a full scan finds.

Random names and texts: Unicode with case mappings that change length ("ß" -> "SS",
"ﬁ" -> "FI"), dotted and dotless i, final sigma, the Kelvin sign, accents precomposed and
combining, LIKE's `%` and `_` and its escape character, texts of one and two characters.
The full scan is the lookup on a column expression that no index covers (SQLite), or the
lookup as it was before the index, an ICU case mapping of every name (PostgreSQL); the
ids, their order and the count must be the same.
"""

from django.db import connection, transaction
from django.db.models import ExpressionWrapper, F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heroes.models import NAME_MAX_LENGTH, Hero
from heroes.portability.fields import CodePointCharField
from heroes.portability.lookups import POSTGRESQL_CASE_COLLATION

# Escapes where a letter looks like an ASCII one: dotless i, small sigma, the Kelvin sign.
ALPHABET = "aAbBsSßẞﬁfFiI\u0131İeEéÉ\u0301%_\\ \u03c3ςΣkK\u212aǅǆ1-"
names = st.text(ALPHABET, min_size=1, max_size=12)


@st.composite
def names_and_texts(draw):
    heroes = draw(st.lists(names, min_size=1, max_size=12))
    # Half the texts are pieces of a name, some with their case swapped, so they match.
    pieces = st.sampled_from(heroes).flatmap(
        lambda name: st.tuples(st.integers(0, len(name)), st.integers(1, 12), st.booleans()).map(
            lambda cut: _piece(name, *cut)
        )
    )
    texts = draw(st.lists(st.one_of(pieces, st.text(ALPHABET, min_size=1, max_size=8)), max_size=6))
    return heroes, [text for text in texts if text]


def _piece(name: str, start: int, length: int, swap: bool) -> str:
    piece = name[start : start + length]
    return piece.swapcase() if swap else piece


def _indexed(text: str) -> tuple[list[int], int]:
    heroes = Hero.objects.filter(name__icontains=text)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A few rows are cheaper to scan: make the planner read the trigram index.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            # Plans made that costly would be compiled first, which is slow and tests nothing.
            cursor.execute("SET LOCAL jit = off")
        return list(heroes.values_list("id", flat=True)), heroes.count()


def _scanned(text: str) -> tuple[list[int], int]:
    if connection.vendor == "postgresql":
        collate = f'COLLATE "{POSTGRESQL_CASE_COLLATION}"'
        pattern = f"%{connection.ops.prep_for_like_query(text)}%"
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(
                f'SELECT "id" FROM "heroes_hero" WHERE UPPER("name"::text {collate}) '
                f'LIKE UPPER(%s::text {collate}) ORDER BY "id"',
                [pattern],
            )
            ids = [pk for (pk,) in cursor.fetchall()]
        return ids, len(ids)
    # A lookup on an expression rather than on the column itself: no index applies.
    column = ExpressionWrapper(F("name"), output_field=CodePointCharField())
    heroes = Hero.objects.alias(scanned=column).filter(scanned__icontains=text)
    return list(heroes.values_list("id", flat=True)), heroes.count()


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=names_and_texts())
def test_search_through_the_index_finds_what_a_full_scan_finds(db, case):
    heroes, texts = case
    Hero.objects.all().delete()
    Hero.objects.bulk_create(Hero(name=name[:NAME_MAX_LENGTH], secret_name="s") for name in heroes)

    for text in texts:
        indexed = _indexed(text)

        assert indexed == _scanned(text), text
        if connection.vendor == "sqlite":
            # Python's own case mapping, the lookup's definition.
            found = Hero.objects.filter(pk__in=indexed[0]).values_list("name", flat=True)
            expected = [name for name in Hero.objects.values_list("name", flat=True)]
            assert sorted(found) == sorted(n for n in expected if text.upper() in n.upper())
