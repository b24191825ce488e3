from rest_framework.permissions import DjangoModelPermissionsOrAnonReadOnly


class HeroPermissions(DjangoModelPermissionsOrAnonReadOnly):
    """Anyone may read; writing needs the matching add/change/delete_hero permission."""
