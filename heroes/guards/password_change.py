"""A password change revokes the user's API tokens, as it already ends their sessions.

Django tells password validators, through their `password_changed()`, whenever a user is
saved after `set_password()`: the admin's password form, `manage.py changepassword`, a
password reset, and any code that sets a password. It does not for the rehash that a login
makes when the hasher settings change, which is no change of password. A token obtained
with the old password, maybe by someone who should not have it, stops working; the user
gets a new one from /auth/token/ with the new password. Every token of the user goes, as
/auth/logoutall/ revokes them.
"""

from django.contrib.auth.forms import AdminPasswordChangeForm
from knox.models import get_token_model


def revoke_tokens(user) -> None:
    get_token_model().objects.filter(user=user).delete()


class RevokeTokensOnPasswordChange:
    """A password "validator" that accepts every password and revokes tokens once it changes.

    It is listed in AUTH_PASSWORD_VALIDATORS, for Django's password_changed() hook.
    """

    def validate(self, password, user=None) -> None:
        return None

    def password_changed(self, password, user=None) -> None:
        if user is not None and user.pk is not None:
            revoke_tokens(user)

    def get_help_text(self) -> str:
        return "Changing the password revokes the user's API tokens."


class RevokingAdminPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's password form; turning password login off revokes the tokens too.

    A new password reaches RevokeTokensOnPasswordChange; an unusable one is set without
    Django's hook.
    """

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit and not user.has_usable_password():
            revoke_tokens(user)
        return user
