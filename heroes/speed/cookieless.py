from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, ResolverMatch, get_resolver

# Accept headers for which DRF picks the first (JSON) renderer with no parameters.
JSON_ACCEPTS = frozenset({"application/json", "*/*"})
HERO_ROUTES = frozenset({"hero-list", "hero-detail"})


class CookielessAPIMiddleware:
    """Sends JSON requests without cookies to the hero routes straight to their view.

    The session, CSRF, auth and message middleware below this one have nothing to do for
    them: no cookie means no session, user or CSRF token to read, DRF's views are exempt
    from CSRF checks and authenticate by themselves, and JSON answers carry no messages.
    The HTML pages (browsable API, admin) need all of them, and never come this way. The
    view's response is rendered here, as Django's handler renders a template response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        match = _hero_route(request)
        if match is None:
            return self.get_response(request)
        request.resolver_match = match
        response = match.func(request, *match.args, **match.kwargs)
        if callable(getattr(response, "render", None)):
            response = response.render()
        return response


def _hero_route(request: HttpRequest) -> ResolverMatch | None:
    meta = request.META
    # An empty Cookie header (Django's test client sends one) holds no cookies either.
    if meta.get("HTTP_COOKIE") or meta.get("HTTP_ACCEPT", "*/*") not in JSON_ACCEPTS:
        return None
    # As Django's handler finds its resolver, for the request's urlconf.
    resolver = get_resolver(getattr(request, "urlconf", None))
    try:
        match = resolver.resolve(request.path_info)
    except Resolver404:
        return None
    return match if match.url_name in HERO_ROUTES else None
