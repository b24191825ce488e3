from rest_framework.permissions import BasePermission


class HeroHistoryPermissions(BasePermission):
    """Reading a hero's history needs the view_hero permission."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("heroes.view_hero"))
