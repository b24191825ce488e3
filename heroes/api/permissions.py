from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions


class HeroPermissions(DjangoModelPermissions):
    """Anyone may read; writing needs the matching add/change/delete_hero permission."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or super().has_permission(request, view)
