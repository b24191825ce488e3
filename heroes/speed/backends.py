"""Django's ModelBackend, with a user's permissions read by one compiled query.

Token requests read them sooner still: heroes.speed.authentication asks for them in the
token's own query (`permission_names`), and hands them over with `remember_permissions`.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Aggregate, F, Func, OuterRef, QuerySet, Subquery, TextField

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


class JoinedText(Aggregate):
    """The group's texts joined by spaces: GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, ' ')"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra_context)


def permission_names(user: OuterRef) -> dict[str, Subquery]:
    """Annotations that read the user's permissions as text, for remember_permissions()."""
    return {
        "own_permissions": _joined_names(Permission.objects.filter(user=user), "user"),
        "group_permissions": _joined_names(
            Permission.objects.filter(group__user=user), "group__user"
        ),
    }


def _joined_names(permissions: QuerySet, user: str) -> Subquery:
    # "app_label.codename", as ModelBackend spells it; in plain SQL, as a compiled query
    # takes no parameters but its markers.
    name = Func(
        F("content_type__app_label"),
        F("codename"),
        template="%(expressions)s",
        arg_joiner=" || '.' || ",
        output_field=TextField(),
    )
    return Subquery(
        permissions.order_by().values(user).annotate(names=JoinedText(name)).values("names")
    )


def remember_permissions(user, own: str | None, via_groups: str | None) -> None:
    """Keeps permissions read with permission_names() where get_all_permissions looks."""
    user.heroes_permissions = {*(own or "").split(), *(via_groups or "").split()}


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
