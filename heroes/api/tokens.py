from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny

from heroes.api.schema import (
    ERRORS,
    FORMS_ACCEPTED,
    RETRY_AFTER,
    ErrorSerializer,
    TokenErrorSerializer,
    TokenSerializer,
)
from heroes.guards.login_limit import LoginLimitThrottle


class ObtainTokenView(ObtainAuthToken):
    """Trades a username and password for that user's API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginLimitThrottle]

    @extend_schema(
        summary="Get an API token",
        description=(
            "Trades a username and password for that user's API token, the same one on every "
            "call; send it as `Authorization: Token <key>`. Each client address has a few "
            "attempts per window (this endpoint and the login pages together), then 429. "
            + FORMS_ACCEPTED
        ),
        request={"application/json": AuthTokenSerializer},
        responses={
            200: OpenApiResponse(TokenSerializer, "The user's token."),
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
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
