from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import (
    SpectacularJSONAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny

from heroes.guards.policies import REDOC_STYLE_ELEMENTS


class FirstRendererNegotiation(BaseContentNegotiation):
    """Always picks the view's first renderer, whatever the Accept header asks for."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class OpenAPIJSONView(SpectacularJSONAPIView):
    """The OpenAPI 3 document, always as JSON."""

    content_negotiation_class = FirstRendererNegotiation
    authentication_classes: list = []
    permission_classes = [AllowAny]


class SwaggerUIView(SpectacularSwaggerSplitView):
    """Swagger UI; only GET and HEAD, since its HTML renderer cannot render OPTIONS metadata.

    The split view serves the start-up script at ?script, so the page runs no inline script.
    """

    http_method_names = ["get", "head"]


# ReDoc adds <style> elements of its own, and runs its search in a worker made from a
# blob: URL, which holds the bundle's own code.
@method_decorator(
    csp_update({"style-src": list(REDOC_STYLE_ELEMENTS), "worker-src": ["blob:"]}), name="dispatch"
)
class RedocView(SpectacularRedocView):
    """ReDoc; only GET and HEAD, like Swagger UI."""

    http_method_names = ["get", "head"]
