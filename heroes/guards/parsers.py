"""Request body parsers that answer hostile or ambiguous bodies with a 4xx, never a 500.

Strict where DRF is lenient: a body in another charset than UTF-8 is 415, and a key or
field sent twice is 400 (the last would win silently), as a repeated query parameter is.

Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE never get here: RequestSizeLimitMiddleware
answers them with 413 before they are read.
"""

import codecs
import io
import json
import sys

from django.core.exceptions import SuspiciousOperation
from django.http.multipartparser import RAW as RAW_PART
from django.http.multipartparser import ChunkIter, LazyStream, MultiPartParserError, Parser
from django.utils.http import parse_header_parameters
from rest_framework import parsers
from rest_framework.exceptions import ParseError, UnsupportedMediaType, ValidationError
from rest_framework.utils.json import strict_constant

UTF_8 = codecs.lookup("utf-8").name
REPEATED = "Give this field once."


def check_charset(media_type: str | None) -> None:
    """Refuses a body declared in any charset but UTF-8: it would be decoded as declared."""
    charset = parse_header_parameters(media_type or "")[1].get("charset")
    if charset is None:
        return
    try:
        known = codecs.lookup(charset).name
    except LookupError:
        known = None
    if known != UTF_8:
        raise UnsupportedMediaType(
            media_type, detail=f"Unsupported charset {charset[:50]!r} in request: send utf-8."
        )


def _object(pairs: list[tuple[str, object]]) -> dict:
    # As a repeated query parameter is: else the last value would win silently.
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ValidationError({key[:100]: [REPEATED] for key in repeated})
    return dict(pairs)


def _integer(digits: str) -> int:
    # Python refuses longer ones with a message about sys.set_int_max_str_digits().
    if len(digits.lstrip("-")) > sys.get_int_max_str_digits():
        raise ParseError("JSON parse error - a number too large.")
    return int(digits)


def _refuse_repeated(data):
    repeated = [name for name, values in data.lists() if len(values) > 1]
    if repeated:
        raise ValidationError({name[:100]: [REPEATED] for name in repeated})
    return data


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, strict: UTF-8 only, each key once, 400s rather than 500s."""

    def parse(self, stream, media_type=None, parser_context=None):
        check_charset(media_type)
        try:
            return json.load(
                codecs.getreader(UTF_8)(stream),
                parse_constant=strict_constant if self.strict else None,
                object_pairs_hook=_object,
                parse_int=_integer,
            )
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        except RecursionError:
            # json raises RecursionError, not ValueError, for [[[[...]]]] thousands deep.
            raise ParseError("JSON parse error - nested too deeply.") from None


class FormParser(parsers.FormParser):
    """DRF's form parser; each field once, and too many fields answer 400 JSON."""

    def parse(self, stream, media_type=None, parser_context=None):
        check_charset(media_type)
        try:
            return _refuse_repeated(super().parse(stream, media_type, parser_context))
        except SuspiciousOperation as exc:  # TooManyFieldsSent
            raise ParseError(f"Form parse error - {exc}") from None


class MultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser; each field once, and a part without a name is an error."""

    def parse(self, stream, media_type=None, parser_context=None):
        check_charset(media_type)
        # The body is small: RequestSizeLimitMiddleware refused anything larger.
        body = stream.read()
        try:
            _check_parts(body, media_type)
        except MultiPartParserError as exc:  # e.g. part headers over Django's size limit
            raise ParseError(f"Multipart form parse error - {exc}") from None
        try:
            parsed = super().parse(io.BytesIO(body), media_type, parser_context)
        except SuspiciousOperation as exc:  # TooManyFieldsSent, RequestDataTooBig
            raise ParseError(f"Multipart form parse error - {exc}") from None
        _refuse_repeated(parsed.data)
        _refuse_repeated(parsed.files)
        return parsed


def _check_parts(body: bytes, media_type: str) -> None:
    # Django's parser silently drops a part that has no headers or no name, so a body
    # that is not a form at all would read as an empty form.
    _, params = parse_header_parameters(media_type or "")
    boundary = params.get("boundary", "").encode("ascii", "replace")
    if not boundary:
        return  # Django's parser reports the missing boundary itself.
    stream = LazyStream(ChunkIter(io.BytesIO(body), 64 * 1024))
    for item_type, meta, part in Parser(stream, boundary):
        content = part.read()
        if item_type == RAW_PART:
            # The empty preamble and the "--" after the closing boundary are fine.
            if content.strip(b"\r\n-"):
                raise ParseError("Multipart form parse error - a part has no headers.")
            continue
        disposition = meta.get("content-disposition")
        if not disposition or "name" not in disposition[1]:
            raise ParseError("Multipart form parse error - a part has no field name.")
