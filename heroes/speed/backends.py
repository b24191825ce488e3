"""Django's ModelBackend, with a user's permissions read by one compiled query."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from heroes.speed.compiled_queries import CompiledQuery

_COLUMNS = ("content_type__app_label", "codename")
# The user's own permissions and their groups' permissions, as ModelBackend reads them
# in two queries.
_PERMISSIONS = CompiledQuery(
    lambda user, member: (
        Permission.objects.filter(user=user)
        .values_list(*_COLUMNS)
        .order_by()
        .union(Permission.objects.filter(group__user=member).values_list(*_COLUMNS).order_by())
    ),
    -1,
    -2,
)


class CompiledModelBackend(ModelBackend):
    """The same users, passwords and permissions as ModelBackend; permission checks are cheaper.

    Every write request checks a Django model permission, and ModelBackend builds and
    compiles two ORM queries for it each time.
    """

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        # Kept on the user object, as ModelBackend keeps its own: pages such as the admin
        # index ask for dozens of permissions in one request.
        if not hasattr(user_obj, "heroes_permissions"):
            rows = _PERMISSIONS.rows(user_obj.pk, user_obj.pk)
            user_obj.heroes_permissions = {f"{app}.{codename}" for app, codename in rows}
        return user_obj.heroes_permissions
