"""Django's user admin, with a password form that revokes API tokens."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from heroes.guards.password_change import RevokingAdminPasswordChangeForm

admin.site.unregister(User)


@admin.register(User)
class TokenRevokingUserAdmin(UserAdmin):
    """Django's user admin, whose password form revokes tokens when it disables passwords."""

    change_password_form = RevokingAdminPasswordChangeForm
