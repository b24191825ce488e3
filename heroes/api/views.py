from http import HTTPStatus

from django.conf import settings
from django.utils.module_loading import import_string
from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import DjangoModelPermissionsOrAnonReadOnly
from rest_framework.response import Response
from rest_framework.reverse import reverse

from heroes.api.conditional import ConditionalHeroMixin
from heroes.api.filters import (
    ORDERING_FIELDS,
    HeroFilterBackend,
    HeroFilterSet,
    HeroOrderingFilter,
    HeroSearchFilter,
    SingleValueFilter,
)
from heroes.api.idempotency import IdempotentCreateMixin
from heroes.api.ids import parse_pk
from heroes.api.pagination import HeroPagination
from heroes.api.permissions import HeroHistoryPermissions
from heroes.api.schema import HERO_OPERATIONS, HeroAutoSchema
from heroes.api.serializers import HeroVersionSerializer
from heroes.history.versions import public_versions
from heroes.models import Hero


def _named(setting: str):
    # The class settings name: the API's own, or a faster one with the same answers that
    # the speed layer puts in its stead (heroproject.speed_switches).
    return import_string(getattr(settings, setting))


class LocatedCreateMixin(mixins.CreateModelMixin):
    """DRF's create(), answering with the new hero's Location and, for JSON, its ETag."""

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        hero = serializer.instance
        headers = {
            "Location": reverse("hero-detail", args=[hero.pk], request=request),
            **self.etag_header(hero),
        }
        return Response(serializer.data, status=HTTPStatus.CREATED, headers=headers)


@extend_schema_view(**HERO_OPERATIONS)
class HeroViewSet(
    IdempotentCreateMixin, ConditionalHeroMixin, LocatedCreateMixin, viewsets.ModelViewSet
):
    """Create, list, read, update and delete heroes."""

    queryset = _named("HEROES_QUERYSET_CLASS")(Hero)
    serializer_class = _named("HEROES_SERIALIZER_CLASS")
    # Anyone may read; writing needs the matching add/change/delete_hero permission.
    permission_classes = [DjangoModelPermissionsOrAnonReadOnly]
    pagination_class = _named("HEROES_LIST_PAGINATION_CLASS")
    filter_backends = [SingleValueFilter, HeroFilterBackend, HeroSearchFilter, HeroOrderingFilter]
    filterset_class = HeroFilterSet
    search_fields = ["name"]
    ordering_fields = ORDERING_FIELDS
    ordering = ["id"]
    schema = HeroAutoSchema()

    def list(self, request, *args, **kwargs):
        # DRF's list(), but the paginator turns the page into data: it may read rows, not
        # heroes, and it tags the page with an ETag.
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.paginator.page_data(page, self))

    def get_object(self) -> Hero:
        # By the id rules (plain digits, in the column's range): anything else is a 404.
        hero = self.get_queryset().by_url_id(
            self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        )
        if hero is None:
            raise NotFound("Hero not found")
        self.check_object_permissions(self.request, hero)
        return hero

    @action(
        detail=True,
        serializer_class=HeroVersionSerializer,
        permission_classes=[HeroHistoryPermissions],
        pagination_class=HeroPagination,
        filter_backends=[],
        filterset_class=None,
    )
    def history(self, request, *args, **kwargs):
        """The hero's versions, newest first, a page at a time; a deleted hero's too."""
        pk = parse_pk(Hero, kwargs[self.lookup_url_kwarg or self.lookup_field])
        page = self.paginate_queryset(public_versions(pk) if pk is not None else [])
        if not page and not (
            Hero.history.filter(id=pk).exists() or Hero.objects.filter(pk=pk).exists()
        ):
            raise NotFound("Hero not found")  # a hero seeded in bulk has no history
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def filter_queryset(self, queryset):
        # Filters, search and ordering describe lists; a detail lookup is by id alone.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)
