"""DRF's content negotiation, remembered per Accept header: the same choice, parsed once.

Parsing the Accept header and matching it against every renderer costs more than a
one-hero response. The choice depends only on the header, the format override and the
view's renderer classes, so a small bounded cache maps those to the position of the
renderer and the media type DRF picked. Long headers and format overrides skip it.
"""

from functools import lru_cache

from rest_framework.negotiation import DefaultContentNegotiation

# Longer Accept headers are negotiated without the cache, so it stays small.
CACHED_ACCEPT_LENGTH = 512


class CachedContentNegotiation(DefaultContentNegotiation):
    """DefaultContentNegotiation with the renderer choice cached per Accept header."""

    def select_renderer(self, request, renderers, format_suffix=None):
        format_override = format_suffix or request.query_params.get(
            self.settings.URL_FORMAT_OVERRIDE
        )
        accept = request.META.get("HTTP_ACCEPT", "*/*")
        if format_override or len(accept) > CACHED_ACCEPT_LENGTH:
            return super().select_renderer(request, renderers, format_suffix)
        renderer_classes = tuple(type(renderer) for renderer in renderers)
        index, media_type = _choice(type(self), accept, renderer_classes)
        return renderers[index], media_type


@lru_cache(maxsize=256)
def _choice(negotiation_class: type, accept: str, renderer_classes: tuple) -> tuple[int, str]:
    # NotAcceptable propagates (and is not cached), as from DRF.
    renderers = [renderer_class() for renderer_class in renderer_classes]
    negotiation = negotiation_class()
    renderer, media_type = DefaultContentNegotiation.select_renderer(
        negotiation, _AcceptOnly(accept), renderers
    )
    return renderers.index(renderer), media_type


class _AcceptOnly:
    """What DRF's negotiation reads from a request that forces no format."""

    query_params: dict = {}

    def __init__(self, accept: str):
        self.headers = {"accept": accept}
