"""knox's token authentication, with a token that is not UTF-8 refused like any other.

knox decodes the token from the header's bytes as UTF-8 and lets the error through: a
header such as `Authorization: Token caf\xe9` would answer 500. Here it answers what an
unknown token answers, 401 "Invalid token." with `WWW-Authenticate: Token`.
"""

from django.utils.translation import gettext_lazy as _
from knox import auth
from rest_framework import exceptions


def decoded(token: bytes) -> str:
    """The token as text, or the 401 of an unknown token."""
    try:
        return token.decode("utf-8")
    except UnicodeDecodeError:
        raise exceptions.AuthenticationFailed(_("Invalid token.")) from None


class TokenAuthentication(auth.TokenAuthentication):
    """`Authorization: Token <key>` for knox's hashed tokens (the stock of the speed class)."""

    def authenticate_credentials(self, token: bytes):
        decoded(token)
        return super().authenticate_credentials(token)
