"""API tokens (django-rest-knox): log in for a new token, log out one token or all of them.

Each login makes a new token, so each client holds its own and logs out alone. The
database keeps only a digest of each token: the token itself is shown once, in the answer.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from knox import auth
from knox import views as knox_views
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings

from heroes.api.schema import (
    ERRORS,
    FORMS_ACCEPTED,
    RETRY_AFTER,
    ErrorSerializer,
    TokenErrorSerializer,
    TokenSerializer,
)
from heroes.guards.login_limit import LoginLimitThrottle

NOT_LOGGED_IN = "No token, or a malformed, unknown, expired or revoked one."


class TokenOnly:
    """Authenticates by the settings' token class alone: a session has no token to revoke."""

    def get_authenticators(self):
        # Read per request, as DRF reads its settings, rather than fixed at import.
        return [
            authenticator()
            for authenticator in api_settings.DEFAULT_AUTHENTICATION_CLASSES
            if issubclass(authenticator, auth.TokenAuthentication)
        ]


class ObtainTokenView(knox_views.LoginView):
    """Trades a username and password for a new API token."""

    # Credentials are the body: a token or session sent along is not read, nor changed.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginLimitThrottle]

    @extend_schema(
        summary="Get an API token",
        description=(
            "Trades a username and password for a new API token; send it as "
            "`Authorization: Token <token>` until `expiry`. Each call makes another token, "
            "so each client holds its own and can log out alone. Once a token expires it "
            "answers 401: log in again for a new one. Each client address has a few "
            "attempts per window (this endpoint and the login pages together), then 429. "
            + FORMS_ACCEPTED
        ),
        request={"application/json": AuthTokenSerializer},
        responses={
            200: OpenApiResponse(TokenSerializer, "A new token, and when it expires."),
            400: OpenApiResponse(
                TokenErrorSerializer,
                "Missing fields or wrong credentials (messages per field), or unparsable "
                "JSON (`detail`).",
            ),
            413: OpenApiResponse(ErrorSerializer, ERRORS["413"]),
            415: OpenApiResponse(ErrorSerializer, ERRORS["415"]),
            429: OpenApiResponse(ErrorSerializer, ERRORS["429"]),
        },
        parameters=[RETRY_AFTER],
    )
    def post(self, request, format=None):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        # knox's LoginView makes the token for request.user.
        request.user = serializer.validated_data["user"]
        return super().post(request, format=format)


def _logout(summary: str, description: str, revoked: str):
    """A logout's schema: the token is the only input; 204 without a body, or 401."""
    return extend_schema(
        summary=summary,
        description=description,
        request=None,
        responses={
            204: OpenApiResponse(description=f"Revoked; no body. {revoked} now answers 401."),
            401: OpenApiResponse(ErrorSerializer, NOT_LOGGED_IN),
        },
    )


@extend_schema_view(
    post=_logout(
        "Log out this token",
        "Revokes the token this request is sent with; the user's others still work.",
        "The token",
    )
)
class LogoutView(TokenOnly, knox_views.LogoutView):
    """Revokes the token the request is sent with."""


@extend_schema_view(
    post=_logout(
        "Log out every token",
        "Revokes every token of this token's user, this one included.",
        "Every token of the user",
    )
)
class LogoutAllView(TokenOnly, knox_views.LogoutAllView):
    """Revokes every token of the user the request's token belongs to."""
