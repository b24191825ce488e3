import datetime
import decimal
import uuid

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer

from heroes.speed.renderers import ORJSONRenderer

SAMPLES = [
    {"count": 2, "next": None, "results": [{"id": 1, "name": "Deadpond", "age": None}]},
    {"name": "Ünïcødé \u2028 line \u2029 paragraph", "quote": 'say "hi"', "slash": "a/b\\c"},
    {"detail": ErrorDetail("Hero not found", code="not_found")},
    {"name": [ErrorDetail("This field is required.", code="required")]},
    {"lazy": gettext_lazy("Not found."), "decimal": decimal.Decimal("1.50")},
    {"when": datetime.datetime(2026, 11, 25, 12, 0, 0, 123456, tzinfo=datetime.UTC)},
    {"day": datetime.date(2026, 11, 25), "id": uuid.UUID(int=7), 3: "int key"},
    [1, -2, 2**63 - 1, True, False, None, "", [], {}],
    {"big": 2**70},
    "just a string",
]


@pytest.mark.parametrize("data", SAMPLES)
def test_orjson_renderer_renders_exactly_what_drf_renders(data):
    assert ORJSONRenderer().render(data) == JSONRenderer().render(data)


@pytest.mark.parametrize("media_type", ["application/json; indent=4", "application/json"])
def test_orjson_renderer_pretty_prints_like_drf(media_type):
    data = {"results": [{"id": 1, "name": "Deadpond"}]}

    assert ORJSONRenderer().render(data, media_type, {"indent": 2}) == JSONRenderer().render(
        data, media_type, {"indent": 2}
    )


def test_orjson_renderer_renders_none_as_empty_body():
    assert ORJSONRenderer().render(None) == b""


def test_orjson_renderer_refuses_what_drf_refuses():
    with pytest.raises(TypeError):
        ORJSONRenderer().render({"object": object()})
