from drf_spectacular.views import (
    SpectacularJSONAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny


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


class SwaggerUIView(SpectacularSwaggerView):
    """Swagger UI; only GET and HEAD, since its HTML renderer cannot render OPTIONS metadata."""

    http_method_names = ["get", "head"]


class RedocView(SpectacularRedocView):
    """ReDoc; only GET and HEAD, like Swagger UI."""

    http_method_names = ["get", "head"]
