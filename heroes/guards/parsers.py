"""Request body parsers that answer hostile bodies with a 400, never a 500.

Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE never get here: RequestSizeLimitMiddleware
answers them with 413 before they are read.
"""

import io

from django.core.exceptions import SuspiciousOperation
from django.http.multipartparser import RAW as RAW_PART
from django.http.multipartparser import ChunkIter, LazyStream, MultiPartParserError, Parser
from django.utils.http import parse_header_parameters
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; JSON nested too deeply for Python answers 400, not 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # json raises RecursionError, not ValueError, for [[[[...]]]] thousands deep.
            raise ParseError("JSON parse error - nested too deeply.") from None


class FormParser(parsers.FormParser):
    """DRF's form parser; too many fields answer 400 JSON, not Django's bare 400 page."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except SuspiciousOperation as exc:  # TooManyFieldsSent
            raise ParseError(f"Form parse error - {exc}") from None


class MultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser; a part without a field name is an error, not skipped."""

    def parse(self, stream, media_type=None, parser_context=None):
        # The body is small: RequestSizeLimitMiddleware refused anything larger.
        body = stream.read()
        try:
            _check_parts(body, media_type)
        except MultiPartParserError as exc:  # e.g. part headers over Django's size limit
            raise ParseError(f"Multipart form parse error - {exc}") from None
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except SuspiciousOperation as exc:  # TooManyFieldsSent, RequestDataTooBig
            raise ParseError(f"Multipart form parse error - {exc}") from None


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
