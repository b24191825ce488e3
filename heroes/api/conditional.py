"""Conditional requests (RFC 9110, section 13): ETags, If-None-Match and If-Match.

A hero's ETag is its version, which every write that changes what readers see raises
(Hero.version), so it is strong: equal tags mean the same JSON. A write of the secret name
alone leaves it, or the ETag would tell anyone that the secret changed. A list's ETag is
weak, a digest of the page's rows (versions included) and of the URL that chose them. Only
JSON answers carry ETags: the browsable API's HTML is another representation, for people.
ConditionalHeroMixin gives a viewset the hero's reads and writes with them.
"""

import pickle
from hashlib import blake2b
from http import HTTPStatus

from django.conf import settings
from django.db import transaction
from django.http import HttpResponseNotModified
from django.utils.http import parse_etags
from rest_framework.exceptions import APIException, NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from heroes.api.ids import wants_json
from heroes.models import Hero
from heroes.versions import VersionChanged


class PreconditionFailed(APIException):
    """412: the hero changed since the ETag the client sent in If-Match."""

    status_code = HTTPStatus.PRECONDITION_FAILED
    default_detail = "The hero changed since the ETag in If-Match: read it again."
    default_code = "precondition_failed"


class PreconditionRequired(APIException):
    """428: this server takes writes only with If-Match (DJANGO_REQUIRE_IF_MATCH)."""

    status_code = HTTPStatus.PRECONDITION_REQUIRED
    default_detail = "If-Match is required: send the ETag of the hero as you last read it."
    default_code = "precondition_required"


def hero_etag(hero: Hero) -> str:
    return f'"{hero.version}"'


def list_etag(url: str, count: int, rows: list[tuple]) -> str:
    # pickle: an exact serialization of rows of numbers, text and None, faster than repr().
    digest = blake2b(pickle.dumps((url, count, rows), protocol=5), digest_size=16).hexdigest()
    return f'W/"{digest}"'


def not_modified(request: Request, etag: str) -> HttpResponseNotModified | None:
    """For a read: a 304 when If-None-Match names this ETag, else None.

    Raises PreconditionFailed when If-Match names no current ETag.
    """
    _check_if_match(request, etag)
    if not _none_match_names(request, etag):
        return None
    response = HttpResponseNotModified()
    response["ETag"] = etag
    return response


def expected_version(request: Request, hero: Hero) -> int | None:
    """For a write: the version it must still find, from If-Match; None when any will do.

    Raises PreconditionFailed when If-Match names no current ETag of the hero or
    If-None-Match names one, and PreconditionRequired when If-Match is missing and the
    server requires it.
    """
    etag = hero_etag(hero)
    if _none_match_names(request, etag):
        raise PreconditionFailed("The hero matches If-None-Match: it exists, at that ETag.")
    if not request.META.get("HTTP_IF_MATCH", "").strip():
        if settings.HEROES_REQUIRE_IF_MATCH:
            raise PreconditionRequired()
        return None
    return None if _check_if_match(request, etag) == ["*"] else hero.version


def _check_if_match(request: Request, etag: str) -> list[str] | None:
    # Strong comparison: a weak tag never matches. `*` matches any current hero, and
    # there is one, or this would have been a 404.
    header = request.META.get("HTTP_IF_MATCH", "").strip()
    if not header:
        return None  # absent, or empty: no condition
    tags = parse_etags(header)
    if not tags:
        # An unquoted version (If-Match: 3) matches nothing: say why, not "changed".
        raise PreconditionFailed(
            'If-Match holds no entity tag: send "*" or the ETag as the server sent it, '
            'quotes included (e.g. "3").'
        )
    if tags != ["*"] and etag not in tags:
        raise PreconditionFailed()
    return tags


def _none_match_names(request: Request, etag: str) -> bool:
    # Weak comparison: W/"1" and "1" match. A value that holds no tag names nothing.
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if header is None:
        return False
    tags = parse_etags(header)
    return tags == ["*"] or _opaque(etag) in {_opaque(tag) for tag in tags}


def _opaque(tag: str) -> str:
    return tag.removeprefix("W/")


class NotModifiedMiddleware:
    """Drops the Content-Length: 0 that CommonMiddleware adds to 304 answers.

    A 304 may only name the length of the 200 it stands for (RFC 9110, 8.6).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == HTTPStatus.NOT_MODIFIED:
            del response["Content-Length"]
        return response


class ConditionalHeroMixin:
    """A viewset's retrieve, update and destroy of a hero, with its ETag and conditions."""

    def retrieve(self, request, *args, **kwargs):
        hero = self.get_object()
        headers = self.etag_header(hero)
        if headers:
            unchanged = not_modified(request, headers["ETag"])
            if unchanged is not None:
                return unchanged
        return Response(self.get_serializer(hero).data, headers=headers)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        hero = self.get_object()
        # Before the body is read: a stale ETag answers 412 whatever the body holds.
        context = {
            **self.get_serializer_context(),
            "if_version": expected_version(request, hero),
        }
        serializer = self.get_serializer(hero, data=request.data, partial=partial, context=context)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return Response(serializer.data, headers=self.etag_header(hero))

    def perform_update(self, serializer) -> None:
        try:
            serializer.save()
        except Hero.DoesNotExist:
            raise NotFound("Hero not found") from None  # deleted since it was read
        except VersionChanged:
            raise PreconditionFailed() from None  # changed since it was read

    def destroy(self, request, *args, **kwargs):
        hero = self.get_object()
        if_version = expected_version(request, hero)
        # The row stays locked from this read to the delete (on SQLite, the transaction
        # holds the write lock from its start): the history entry records the hero as it
        # was deleted, and a hero deleted meanwhile gets no second entry.
        with transaction.atomic():
            hero = self.get_queryset().select_for_update().filter(pk=hero.pk).first()
            if hero is None:
                raise NotFound("Hero not found")  # deleted since it was read
            if if_version is not None and hero.version != if_version:
                raise PreconditionFailed()
            hero.delete()
        return Response(status=HTTPStatus.NO_CONTENT)

    def etag_header(self, hero: Hero) -> dict[str, str]:
        """The hero's ETag, for JSON answers: HTML pages are another representation."""
        if not wants_json(self.request):
            return {}
        return {"ETag": hero_etag(hero)}
