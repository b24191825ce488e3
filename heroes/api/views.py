from drf_spectacular.utils import extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import NotFound

from heroes.api.filters import (
    ORDERING_FIELDS,
    HeroFilterBackend,
    HeroFilterSet,
    HeroOrderingFilter,
    HeroSearchFilter,
    SingleValueFilter,
)
from heroes.api.pagination import HeroPagination
from heroes.api.permissions import HeroPermissions
from heroes.api.schema import HERO_OPERATIONS, HeroAutoSchema
from heroes.api.serializers import HeroSerializer
from heroes.models import Hero
from heroes.speed import reads, shortcut

PAGE_PARAMETERS = {HeroPagination.limit_query_param, HeroPagination.offset_query_param}
AGE_RANGE_PARAMETERS = {"age__gte", "age__lte"}


@extend_schema_view(
    **HERO_OPERATIONS,
)
class HeroViewSet(viewsets.ModelViewSet):
    """Create, list, read, update and delete heroes."""

    queryset = Hero.objects.all()
    serializer_class = HeroSerializer
    permission_classes = [HeroPermissions]
    pagination_class = HeroPagination
    filter_backends = [SingleValueFilter, HeroFilterBackend, HeroSearchFilter, HeroOrderingFilter]
    filterset_class = HeroFilterSet
    search_fields = ["name"]
    ordering_fields = ORDERING_FIELDS
    ordering = ["id"]
    schema = HeroAutoSchema()

    def dispatch(self, request, *args, **kwargs):
        response = shortcut.read_one(self, request, **kwargs)
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        # JSON pages are built from rows (heroes.speed.reads); the browsable API's from
        # instances. Both count every hero from the tally when nothing filters them.
        fields = reads.public_fields(self.get_serializer_class())
        if not reads.wants_json(request):
            fields = None
        parameters = set(request.query_params) - PAGE_PARAMETERS
        if not parameters:
            SingleValueFilter().filter_queryset(request, None, self)  # limit, offset once
            heroes = reads.AllInIdOrder(self.get_queryset(), fields)
        elif fields is None:
            return super().list(request, *args, **kwargs)
        else:
            queryset = self.filter_queryset(self.get_queryset())  # validates every parameter
            heroes = queryset.values_list(*fields)
            if parameters == AGE_RANGE_PARAMETERS:
                # As django-filter read them (empty means no bound): its own form fields.
                low, high = (
                    HeroFilterSet.base_filters[name].field.clean(request.query_params[name])
                    for name in ("age__gte", "age__lte")
                )
                if low is not None and high is not None:
                    heroes = reads.FewAgesInIdOrder(queryset, fields, low, high)
        page = self.paginate_queryset(heroes)
        if fields is None:
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        return self.get_paginated_response(reads.as_dicts(page, fields))

    def get_object(self) -> Hero:
        # By a compiled query rather than queryset.get(), which compiles its SQL each time.
        hero = reads.instance_by_id(Hero, self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        if hero is None:
            raise NotFound("Hero not found")
        self.check_object_permissions(self.request, hero)
        return hero

    def perform_update(self, serializer: HeroSerializer) -> None:
        try:
            serializer.save()
        except Hero.DoesNotExist:
            raise NotFound("Hero not found") from None  # deleted since it was read

    def perform_destroy(self, instance: Hero) -> None:
        deleted, _ = instance.delete()
        if not deleted:
            raise NotFound("Hero not found")  # deleted since it was read

    def filter_queryset(self, queryset):
        # Filters, search and ordering describe lists; a detail lookup is by id alone.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)
