"""What drf-spectacular calls besides the views: the auth schemes and the postprocessing hook."""

import copy

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class CookieSessionScheme(SessionScheme):
    """Documents DRF's session authentication, and any subclass, as the cookie it reads."""

    target_class = "rest_framework.authentication.SessionAuthentication"
    # Settings may name a subclass that skips requests without the cookie.
    match_subclasses = True


class TokenScheme(OpenApiAuthenticationExtension):
    """Documents knox's token authentication, and any subclass, as `Authorization: Token`.

    drf-spectacular's own knox extension matches knox's class alone, not the settings'
    subclasses; this one also keeps the scheme's name from before knox, `tokenAuth`.
    """

    target_class = "knox.auth.TokenAuthentication"
    name = "tokenAuth"
    match_subclasses = True
    priority = 1  # over drf-spectacular's knox extension

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )


PAGE_EXAMPLES = {
    "count": 250,
    "next": "http://127.0.0.1:8000/heroes/?cursor=WyJpZCIsMzAwLDMwMCxmYWxzZV0%3A1xajE8%3AAV8i&limit=100",
    "previous": "http://127.0.0.1:8000/heroes/?cursor=WyJpZCIsMjAxLDIwMSx0cnVlXQ%3A1xajE8%3AH2qq&limit=100",
}


# Any operation may find the database unable to serve (heroes.api.errors).
SERVICE_UNAVAILABLE = {
    "description": (
        "The database cannot serve now (unreachable, out of connections, read-only, disk "
        "full); nothing was changed. Retry after Retry-After seconds."
    ),
    "headers": {
        "Retry-After": {
            "schema": {"type": "integer", "minimum": 0},
            "description": "Seconds to wait before retrying.",
            "required": True,
        }
    },
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def postprocess_schema(result, generator, request, public):
    """Fixes what the per-operation schema cannot reach (a drf-spectacular hook)."""
    for path_item in result["paths"].values():
        for operation in path_item.values():
            operation["responses"]["503"] = copy.deepcopy(SERVICE_UNAVAILABLE)
            if operation.get("security") == [{}]:
                # Anyone may call it. `[{}]` reads as "credentials required" to typed
                # clients (openapi-python-client's AuthenticatedClient); `[]` requires none.
                operation["security"] = []
    for name in ("PaginatedHeroList", "PaginatedHeroVersionList"):
        page = result["components"]["schemas"][name]
        # next and previous are in every page, null at either end.
        page["required"] = list(page["properties"])
        for field, example in PAGE_EXAMPLES.items():
            page["properties"][field]["example"] = example  # not DRF's api.example.org/accounts/
    return result
