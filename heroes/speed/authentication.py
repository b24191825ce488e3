"""DRF's token and session authentication, answering the same, at a fraction of the cost."""

from functools import cache

from django.conf import settings
from django.db.models import DateField, Model, OuterRef
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from heroes import speed
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
def _token_with_user(
    token_model: type[Model], with_permissions: bool
) -> tuple[CompiledQuery, list[str], list[str]]:
    # Token.objects.select_related("user").get(key=key), as columns of both models, and
    # the user's permissions, which a write checks next, for heroes.speed.backends (not for
    # Django's ModelBackend, with it off). Date and time columns, which SQLite returns as
    # text to parse, load on first use if ever.
    user_model = token_model._meta.get_field("user").related_model
    token_columns = _columns_without_dates(token_model)
    user_columns = _columns_without_dates(user_model)
    permissions = backends.permission_names(OuterRef("user")) if with_permissions else {}
    query = CompiledQuery(
        lambda key: (
            token_model._default_manager.filter(key=key)
            .annotate(**permissions)
            .values_list(
                *token_columns, *(f"user__{column}" for column in user_columns), *permissions
            )
        ),
        _KEY_MARKER,
    )
    return query, token_columns, user_columns


class CompiledTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, answered exactly as DRF's TokenAuthentication answers."""

    def authenticate(self, request):
        # DRF reads the header through request.headers, which first copies every header.
        if "HTTP_AUTHORIZATION" not in request.META:
            return None
        return super().authenticate(request)

    def authenticate_credentials(self, key: str):
        token_model = self.get_model()
        with_permissions = speed.on("backends")
        query, token_columns, user_columns = _token_with_user(token_model, with_permissions)
        rows = query.rows(key)
        if not rows:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        row = rows[0]
        split, end = len(token_columns), len(token_columns) + len(user_columns)
        token = token_model.from_db("default", token_columns, row[:split])
        user_field = token_model._meta.get_field("user")
        user = user_field.related_model.from_db("default", user_columns, row[split:end])
        user_field.set_cached_value(token, user)
        if with_permissions:
            own_permissions, group_permissions = row[end:]
            backends.remember_permissions(user, own_permissions, group_permissions)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, token


class CookieSessionAuthentication(SessionAuthentication):
    """DRF's session authentication, skipped outright when the request has no session cookie.

    Without the cookie the session user is anonymous anyway; not asking saves building
    the session and the lazy user on every token or anonymous request.
    """

    def authenticate(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super().authenticate(request)
