"""Keyset cursors for the hero list: where a page ends, and the rows that come after it.

A cursor holds the ordering it was made for, the sort key and id of the row it stands
at, and which way it points (to the next page, or back to the previous). It is signed
with the secret key, so a cursor a client changed, or made up, answers 400 rather than
some page: the API hands out cursors and reads only its own.

The rows after a position are read in up to three seeks, each a range of the ordering's
index (heroes.models): the rows tied with the position's key after its id, then the rows
past its key, then (for a nullable field, which sorts NULLs last) the rows without one.
Each stops at the page size, so a page costs the same at any depth.
"""

from dataclasses import dataclass

from django.core import signing
from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError

from heroes.api.filters import ORDERING_TERMS
from heroes.models import AGE_MAX, NAME_MAX_LENGTH

CURSOR_PARAM = "cursor"
_SALT = "heroes.api.cursors"
# Longer than any cursor this API makes: a name of NAME_MAX_LENGTH characters outside the
# BMP, each escaped to 12 bytes of JSON, is about 4,100 characters in base64.
MAX_LENGTH = 6144
_ID_MAX = 2**63 - 1


@dataclass(frozen=True)
class Position:
    """A row's place in one ordering, and whether the page wanted lies after or before it."""

    ordering: str
    key: int | str | None
    pk: int
    before: bool = False

    @property
    def field(self) -> str:
        return self.ordering.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.ordering.startswith("-")

    def encode(self) -> str:
        payload = [self.ordering, self.key, self.pk, self.before]
        # No timestamp (unlike signing.dumps): the same page links the same pages.
        return signing.Signer(salt=_SALT).sign_object(payload)


def decode(raw: str, ordering: str) -> Position:
    """The position a cursor stands for, for a list in `ordering`; else a 400 naming it."""
    if len(raw) > MAX_LENGTH:
        raise _invalid()
    try:
        payload = signing.Signer(salt=_SALT).unsign_object(raw)
    except (signing.BadSignature, ValueError):
        raise _invalid() from None
    if not (isinstance(payload, list) and len(payload) == 4):
        raise _invalid()
    term, key, pk, before = payload
    if term not in ORDERING_TERMS or not _is_id(pk) or not isinstance(before, bool):
        raise _invalid()
    position = Position(term, key, pk, before)
    if not _key_fits(position):
        raise _invalid()
    if term != ordering:
        raise ValidationError(
            {
                CURSOR_PARAM: [
                    f"This cursor belongs to ordering={term}, not ordering={ordering}: "
                    "follow the next and previous links as given."
                ]
            }
        )
    return position


def _is_id(value) -> bool:
    return type(value) is int and 0 < value <= _ID_MAX


def _key_fits(position: Position) -> bool:
    key = position.key
    if position.field == "id":
        return key == position.pk
    if position.field == "name":
        return isinstance(key, str) and len(key) <= NAME_MAX_LENGTH
    return key is None or (type(key) is int and 0 <= key <= AGE_MAX)


def _invalid() -> ValidationError:
    return ValidationError(
        {CURSOR_PARAM: ["Invalid cursor: use the next and previous links as the API gave them."]}
    )


def seeks(position: Position, nullable: bool) -> list[Q]:
    """The ranges of rows past the position, nearest first, in the order pages are read.

    After it (`before` false): in the list's order. Before it: in the reverse order, each
    range read backwards (QuerySet.reverse()), the page then turned the right way round.
    """
    field, key, pk = position.field, position.key, position.pk
    # Which way the key grows in the direction read.
    up = position.descending == position.before
    if field == "id":
        return [Q(pk__gt=pk) if up else Q(pk__lt=pk)]
    later_id = Q(pk__lt=pk) if position.before else Q(pk__gt=pk)
    if key is None:
        # Heroes without an age come last: before them, every hero with one.
        found = [Q(**{f"{field}__isnull": True}) & later_id]
        return found + ([Q(**{f"{field}__isnull": False})] if position.before else [])
    past = Q(**{f"{field}__gt" if up else f"{field}__lt": key})
    found = [Q(**{field: key}) & later_id, past]
    if not position.before and nullable:
        found.append(Q(**{f"{field}__isnull": True}))
    return found


def rows_past(queryset: QuerySet, position: Position, count: int) -> list:
    """Up to `count` rows past the position, in the list's order (read from the ordered
    queryset, its filters kept)."""
    if position.before:
        queryset = queryset.reverse()
    rows: list = []
    nullable = queryset.model._meta.get_field(position.field).null
    for where in seeks(position, nullable):
        rows += queryset.filter(where)[: count - len(rows)]
        if len(rows) >= count:
            break
    return rows[::-1] if position.before else rows
