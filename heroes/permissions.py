from rest_framework.permissions import DjangoModelPermissionsOrAnonReadOnly


class HeroPermissions(DjangoModelPermissionsOrAnonReadOnly):
    """Anyone may read; writing needs the matching add/change/delete_hero permission."""

    def _queryset(self, view):
        # Only the model matters here: skip get_queryset()'s clone of the queryset.
        if getattr(view, "queryset", None) is not None:
            return view.queryset
        return super()._queryset(view)
