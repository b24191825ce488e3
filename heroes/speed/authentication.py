"""knox's token and DRF's session authentication, answering the same, at a fraction of the cost."""

import binascii
from functools import cache
from hmac import compare_digest

from django.conf import settings
from django.db.models import DateField, Model, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from heroes import speed
from heroes.guards.tokens import TokenAuthentication, decoded
from heroes.speed import backends
from heroes.speed.compiled_queries import CompiledQuery

_KEY_MARKER = "\x00token key"


def _columns_without_dates(model: type[Model]) -> list[str]:
    return [
        field.attname
        for field in model._meta.concrete_fields
        if field.primary_key or not isinstance(field, DateField)
    ]


@cache
def _tokens_with_user(
    token_model: type[Model], with_permissions: bool
) -> tuple[CompiledQuery, list[str], list[str]]:
    # knox's AuthToken.objects.filter(token_key=...).select_related("user"), as columns of
    # both models; the soonest expiry among the user's other tokens, which tells whether
    # knox's clean-up would delete any; and the user's permissions, which a write checks
    # next, for heroes.speed.backends (not for Django's ModelBackend, with it off). Of the
    # date and time columns, which SQLite returns as text to parse, only the expiry is read
    # here; the rest load on first use if ever.
    user_model = token_model._meta.get_field("user").related_model
    token_columns = [*_columns_without_dates(token_model), "expiry"]
    user_columns = _columns_without_dates(user_model)
    others = (
        token_model._default_manager.filter(user=OuterRef("user"), expiry__isnull=False)
        .exclude(digest=OuterRef("digest"))
        .order_by("expiry")
        .values("expiry")[:1]
    )
    permissions = backends.permission_names(OuterRef("user")) if with_permissions else {}
    query = CompiledQuery(
        lambda key: (
            token_model._default_manager.filter(token_key=key)
            .annotate(others_expire=Subquery(others), **permissions)
            .values_list(
                *token_columns,
                *(f"user__{column}" for column in user_columns),
                "others_expire",
                *permissions,
            )
        ),
        _KEY_MARKER,
    )
    return query, token_columns, user_columns


class CompiledTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, answered exactly as knox's TokenAuthentication answers.

    knox reads the tokens whose token_key starts the key with their users, then, for each,
    the user's other tokens to delete expired ones, and compares digests. Here one query
    reads the tokens, their users, their permissions and whether any other token of the
    user has expired; knox's own clean-up runs only when a token it would delete exists.
    """

    def authenticate(self, request):
        # DRF reads the header through request.headers, which first copies every header.
        if "HTTP_AUTHORIZATION" not in request.META:
            return None
        return super().authenticate(request)

    def authenticate_credentials(self, token: bytes):
        key = decoded(token)
        token_model = get_token_model()
        with_permissions = speed.on("backends")
        query, token_columns, user_columns = _tokens_with_user(token_model, with_permissions)
        for row in query.rows(key[: CONSTANTS.TOKEN_KEY_LENGTH]):
            auth_token, others_expire = self._token(token_model, token_columns, user_columns, row)
            if self._any_expired(auth_token, others_expire) and self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(key)
            except (TypeError, binascii.Error):
                raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
            if compare_digest(digest, auth_token.digest):
                if with_permissions:
                    own, groups = row[len(token_columns) + len(user_columns) + 1 :]
                    backends.remember_permissions(auth_token.user, own, groups)
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(_("Invalid token."))

    @staticmethod
    def _token(token_model, token_columns, user_columns, row) -> tuple[Model, object]:
        split, end = len(token_columns), len(token_columns) + len(user_columns)
        auth_token = token_model.from_db("default", token_columns, row[:split])
        user_field = token_model._meta.get_field("user")
        user = user_field.related_model.from_db("default", user_columns, row[split:end])
        user_field.set_cached_value(auth_token, user)
        return auth_token, row[end]

    @staticmethod
    def _any_expired(auth_token, others_expire) -> bool:
        now = timezone.now()
        return any(
            expiry is not None and expiry < now for expiry in (auth_token.expiry, others_expire)
        )


class CookieSessionAuthentication(SessionAuthentication):
    """DRF's session authentication, skipped outright when the request has no session cookie.

    Without the cookie the session user is anonymous anyway; not asking saves building
    the session and the lazy user on every token or anonymous request.
    """

    def authenticate(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super().authenticate(request)
