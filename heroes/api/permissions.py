from rest_framework.permissions import SAFE_METHODS, BasePermission, DjangoModelPermissions


class HeroPermissions(DjangoModelPermissions):
    """Anyone may read; writing needs the matching add/change/delete_hero permission."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or super().has_permission(request, view)


class HeroHistoryPermissions(BasePermission):
    """Reading a hero's history needs the view_hero permission."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("heroes.view_hero"))
