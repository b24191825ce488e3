import io

import pytest
from rest_framework.exceptions import ParseError

from heroes.guards.parsers import JSONParser
from heroes.speed.parsers import ORJSONParser

BODIES = [
    b'{"name": "Deadpond", "age": 30, "secret_name": "Dive Wilson"}',
    b'{"name": "Dead\\u2028pond", "age": null}',
    b'{"name": "\\ud800"}',  # a lone surrogate: orjson refuses it, json reads it
    b'{"age": 123456789012345678901234567890}',
    b'{"age": 1e400}',
    b'{"age": NaN}',
    b'{"a": 1, "a": 2}',
    b"\xef\xbb\xbf{}",
    b'{"name": "\xff"}',
    b"[[[[]]]]",
    b"",
    b"{",
    b'{"age": -9223372036854775809, "name": "x"}',
    b'{"age": 18446744073709551616}',
]


def _parse(parser, body: bytes, charset: str | None = None):
    context = {"encoding": charset} if charset else {}
    try:
        return "ok", parser.parse(io.BytesIO(body), "application/json", context)
    except ParseError as exc:
        return "error", str(exc.detail)


@pytest.mark.parametrize("body", BODIES)
def test_orjson_parser_reads_what_drf_reads(body, settings):
    assert _parse(ORJSONParser(), body) == _parse(JSONParser(), body)


def test_orjson_parser_leaves_other_charsets_to_drf():
    body = '{"name": "Déadpond"}'.encode("latin-1")

    assert _parse(ORJSONParser(), body, "latin-1") == ("ok", {"name": "Déadpond"})
