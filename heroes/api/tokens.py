from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny

from heroes.api.schema import (
    ERRORS,
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
        responses={
            200: TokenSerializer,
            400: TokenErrorSerializer,
            413: OpenApiResponse(ErrorSerializer, ERRORS["413"]),
            415: ErrorSerializer,
            429: OpenApiResponse(ErrorSerializer, ERRORS["429"]),
        },
        parameters=[RETRY_AFTER],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
