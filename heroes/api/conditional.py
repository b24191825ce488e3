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
from rest_framework.exceptions import APIException
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
    """A 304 when If-None-Match names this ETag (weak comparison), else None."""
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if header is None:
        return None
    tags = parse_etags(header)
    if tags != ["*"] and _opaque(etag) not in {_opaque(tag) for tag in tags}:
        return None
    response = HttpResponseNotModified()
    response["ETag"] = etag
    return response


def expected_version(request: Request, hero: Hero) -> int | None:
    """The version a write must still find, from If-Match; None when any version will do.

    Raises PreconditionFailed when If-Match names no current ETag of the hero, and
    PreconditionRequired when If-Match is missing and the server requires it.
    """
    header = request.META.get("HTTP_IF_MATCH")
    if header is None:
        if settings.HEROES_REQUIRE_IF_MATCH:
            raise PreconditionRequired()
        return None
    tags = parse_etags(header)
    if tags == ["*"]:
        return None  # any current hero: it exists, or this would have been a 404
    # Strong comparison: a weak tag never matches.
    if hero_etag(hero) not in tags:
        raise PreconditionFailed()
    return hero.version


def _opaque(tag: str) -> str:
    return tag.removeprefix("W/")
