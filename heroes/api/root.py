"""The service's front page at /, and /favicon.ico."""

from dataclasses import dataclass

from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import APIRootView

FAVICON = "heroes/favicon.svg"


@dataclass(frozen=True)
class ServiceLink:
    """One part of the service, as the front page names, links and describes it."""

    key: str
    url_name: str
    title: str
    description: str
    method: str = "GET"


SERVICE_LINKS = (
    ServiceLink(
        "heroes",
        "hero-list",
        "Heroes",
        "The hero resource: list (paginated, filtered, searched, sorted), create, read, "
        "replace, change and delete heroes. Anyone may read; writes need a token or a "
        "session, and Django model permissions.",
    ),
    ServiceLink(
        "docs",
        "swagger-ui",
        "API docs (Swagger UI)",
        "Every operation with its parameters and answers; try them from the browser.",
    ),
    ServiceLink("redoc", "redoc", "API reference (ReDoc)", "The same reference as one page."),
    ServiceLink(
        "schema",
        "schema",
        "OpenAPI schema",
        "The OpenAPI 3 document (JSON) the docs are made from, for generated clients.",
    ),
    ServiceLink(
        "token",
        "api-token",
        "API token",
        "Send a username and password (JSON or a form) to get a new token, then send "
        'it in the header "Authorization: Token <key>" until it expires; POST it to '
        "/auth/logout/ to revoke it. A few attempts per client and minute, then 429.",
        method="POST",
    ),
    ServiceLink(
        "admin",
        "admin:index",
        "Admin",
        "For staff: heroes with their secret names, users, API tokens and login attempts.",
    ),
    ServiceLink("livez", "livez", "Liveness", "200 while the process answers requests."),
    ServiceLink(
        "readyz",
        "readyz",
        "Readiness",
        "200 when hero reads and writes would succeed now; 503 with the reason when not.",
    ),
)


class ServiceRootView(APIRootView):
    """The front page: a JSON object naming each part of the service by its URL."""

    # Not in the OpenAPI document (schema = None, from APIRootView): it describes the
    # service's pages, not the hero resource.
    name = "Heroes API"
    description = (
        "A REST service for heroes: a public name and age, and a secret name that is "
        "written and never read back. Its parts:"
    )
    service_links = SERVICE_LINKS

    def get(self, request, *args, **kwargs):
        return Response(
            {link.key: reverse(link.url_name, request=request) for link in self.service_links}
        )


@require_safe
@cache_control(max_age=86_400, public=True)
def favicon(request):
    """/favicon.ico, for browsers that ask for it without reading a page's icon link."""
    return HttpResponseRedirect(static(FAVICON))
