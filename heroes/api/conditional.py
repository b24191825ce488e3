"""Conditional requests (RFC 9110, section 13): ETags, If-None-Match and If-Match.

A hero's ETag is its version, which every write to it raises (Hero.version), so it is
strong: equal tags mean the same JSON. A list's ETag is weak, a digest of the page's rows
(versions included) and of the URL that chose them. Only JSON answers carry ETags: the
browsable API's HTML is another representation, for people.
"""

from hashlib import blake2b
from http import HTTPStatus

from django.conf import settings
from django.http import HttpResponseNotModified
from django.utils.http import parse_etags
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request

from heroes.models import Hero


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
    digest = blake2b(repr((url, count, rows)).encode(), digest_size=16).hexdigest()
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
    if "HTTP_IF_MATCH" not in request.META:
        if settings.HEROES_REQUIRE_IF_MATCH:
            raise PreconditionRequired()
        return None
    return None if _check_if_match(request, etag) == ["*"] else hero.version


def _check_if_match(request: Request, etag: str) -> list[str] | None:
    # Strong comparison: a weak tag never matches. `*` matches any current hero, and
    # there is one, or this would have been a 404.
    header = request.META.get("HTTP_IF_MATCH")
    if header is None:
        return None
    tags = _tags("If-Match", header)
    if tags != ["*"] and etag not in tags:
        raise PreconditionFailed()
    return tags


def _none_match_names(request: Request, etag: str) -> bool:
    # Weak comparison: W/"1" and "1" match.
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if header is None:
        return False
    tags = _tags("If-None-Match", header)
    return tags == ["*"] or _opaque(etag) in {_opaque(tag) for tag in tags}


def _tags(name: str, header: str) -> list[str]:
    tags = parse_etags(header)
    if not tags:
        # An unquoted version (If-Match: 3) would never match: say so, rather than 412.
        raise ValidationError(
            {name: ['Send "*" or quoted ETags as the server sent them, e.g. "3".']}
        )
    return tags


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
