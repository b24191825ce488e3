import pytest
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.test import APIRequestFactory

from heroes.speed.negotiation import CACHED_ACCEPT_LENGTH, CachedContentNegotiation
from heroes.speed.renderers import ORJSONRenderer

FACTORY = APIRequestFactory()


def _request(accept: str | None, path: str = "/heroes/"):
    from rest_framework.request import Request

    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    return Request(FACTORY.get(path, **headers))


def _choice(negotiation, accept, path="/heroes/"):
    renderers = [ORJSONRenderer(), BrowsableAPIRenderer()]
    renderer, media_type = negotiation.select_renderer(_request(accept, path), renderers)
    return type(renderer), media_type


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "application/json",
        "application/json; indent=4",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "text/html",
        "application/*",
        "a" * (CACHED_ACCEPT_LENGTH + 1) + ",application/json",
    ],
)
def test_cached_negotiation_chooses_as_drf_does(accept):
    expected = _choice(DefaultContentNegotiation(), accept)

    assert _choice(CachedContentNegotiation(), accept) == expected
    assert _choice(CachedContentNegotiation(), accept) == expected  # from the cache


@pytest.mark.parametrize(("accept", "format_"), [("*/*", "json"), ("*/*", "api"), (None, "json")])
def test_cached_negotiation_follows_the_format_override(accept, format_):
    path = f"/heroes/?format={format_}"

    chosen = _choice(CachedContentNegotiation(), accept, path)

    assert chosen == _choice(DefaultContentNegotiation(), accept, path)
    assert chosen[0] == (ORJSONRenderer if format_ == "json" else BrowsableAPIRenderer)


def test_cached_negotiation_refuses_unacceptable_types_every_time():
    for _ in range(2):
        with pytest.raises(NotAcceptable):
            _choice(CachedContentNegotiation(), "image/png")
