from functools import partial
from http import HTTPStatus

from django.db import transaction
from drf_spectacular.utils import extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.reverse import reverse

from heroes import speed
from heroes.api import conditional
from heroes.api.filters import (
    ORDERING_FIELDS,
    HeroFilterBackend,
    HeroFilterSet,
    HeroOrderingFilter,
    HeroSearchFilter,
    SingleValueFilter,
)
from heroes.api.idempotency import IdempotentCreateMixin
from heroes.api.pagination import HeroPagination
from heroes.api.permissions import HeroHistoryPermissions, HeroPermissions
from heroes.api.schema import HERO_OPERATIONS, HeroAutoSchema
from heroes.api.serializers import HeroSerializer, HeroVersionSerializer
from heroes.history.versions import public_versions
from heroes.models import Hero
from heroes.speed import reads, saving, shortcut, tallies

PAGE_PARAMETERS = {HeroPagination.limit_query_param, HeroPagination.offset_query_param}
AGE_RANGE_PARAMETERS = {"age__gte", "age__lte"}
# Parameters that choose the order of the heroes, never which ones.
ORDER_PARAMETERS = {HeroOrderingFilter.ordering_param}


@extend_schema_view(**HERO_OPERATIONS)
class HeroViewSet(IdempotentCreateMixin, viewsets.ModelViewSet):
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
        if not reads.wants_json(request):
            return self.list_instances(request, *args, **kwargs)
        # JSON pages are built from rows (heroes.speed.reads), or through the serializer
        # with it off; the browsable API's from instances. All count every hero from the
        # tally when nothing filters them.
        fields = reads.public_fields(self.get_serializer_class()) if speed.on("reads") else None
        # Each row ends with the hero's version, for the page's ETag.
        columns = None if fields is None else (*fields, "version")
        page = self.paginate_queryset(self.heroes_to_page(request, columns))
        if fields is None:
            results = self.get_serializer(page, many=True).data
            # The rows the reads path tags: the same values, in the serializer's order.
            rows = [
                (*item.values(), hero.version) for item, hero in zip(results, page, strict=True)
            ]
        else:
            rows, results = page, reads.as_dicts((row[:-1] for row in page), fields)
        etag = conditional.list_etag(request.build_absolute_uri(), self.paginator.count, rows)
        not_modified = conditional.not_modified(request, etag)
        if not_modified is not None:
            return not_modified
        response = self.get_paginated_response(results)
        response["ETag"] = etag
        return response

    def heroes_to_page(self, request, columns: tuple[str, ...] | None):
        """What the paginator pages: rows of `columns`, or heroes when None.

        Counted by the tallies where they can (heroes.speed.tallies), else by COUNT(*).
        """
        parameters = set(request.query_params) - PAGE_PARAMETERS
        if not parameters:
            SingleValueFilter().filter_queryset(request, None, self)  # limit, offset once
            return reads.AllInIdOrder(self.get_queryset(), columns)
        queryset = self.filter_queryset(self.get_queryset())  # validates every parameter
        heroes = queryset if columns is None else queryset.values_list(*columns)
        filters = parameters - ORDER_PARAMETERS
        if parameters == AGE_RANGE_PARAMETERS:
            # As django-filter read them (empty means no bound): its own form fields.
            low, high = (
                HeroFilterSet.clean_parameter(request.query_params, name)
                for name in ("age__gte", "age__lte")
            )
            if low is None or high is None:
                return heroes
            if columns is None:
                return reads.Tallied(heroes, partial(tallies.count_between, low, high))
            return reads.FewAgesInIdOrder(queryset, columns, low, high)
        if not filters:
            return reads.Tallied(heroes, reads.every_hero_count)
        if filters == {"age__isnull"}:
            without = HeroFilterSet.clean_parameter(request.query_params, "age__isnull")
            count = (
                reads.every_hero_count
                if without is None
                else partial(reads.with_or_without_age_count, without)
            )
            return reads.Tallied(heroes, count)
        return heroes

    def list_instances(self, request, *args, **kwargs):
        """The browsable API's page: from instances, through the serializer."""
        if not set(request.query_params) - PAGE_PARAMETERS:
            SingleValueFilter().filter_queryset(request, None, self)  # limit, offset once
            page = self.paginate_queryset(reads.AllInIdOrder(self.get_queryset(), None))
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        return super().list(request, *args, **kwargs)

    def get_object(self) -> Hero:
        raw_pk = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        if speed.on("reads"):
            # By a compiled query rather than queryset.get(), which compiles its SQL each time.
            hero = reads.instance_by_id(Hero, raw_pk)
        else:
            # The same id rules (plain digits, in the column's range), then the ORM.
            pk = reads.parse_pk(Hero, raw_pk)
            hero = None if pk is None else self.get_queryset().filter(pk=pk).first()
        if hero is None:
            raise NotFound("Hero not found")
        self.check_object_permissions(self.request, hero)
        return hero

    def retrieve(self, request, *args, **kwargs):
        hero = self.get_object()
        headers = self.etag_header(hero)
        if headers:
            not_modified = conditional.not_modified(request, headers["ETag"])
            if not_modified is not None:
                return not_modified
        return Response(self.get_serializer(hero).data, headers=headers)

    def perform_create(self, serializer: HeroSerializer) -> None:
        self.created = serializer.save()

    def get_success_headers(self, data) -> dict[str, str]:
        url = reverse("hero-detail", args=[self.created.pk], request=self.request)
        return {"Location": url, **self.etag_header(self.created)}

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        hero = self.get_object()
        # Before the body is read: a stale ETag answers 412 whatever the body holds.
        context = {
            **self.get_serializer_context(),
            "if_version": conditional.expected_version(request, hero),
        }
        serializer = self.get_serializer(hero, data=request.data, partial=partial, context=context)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return Response(serializer.data, headers=self.etag_header(hero))

    def perform_update(self, serializer: HeroSerializer) -> None:
        try:
            serializer.save()
        except Hero.DoesNotExist:
            raise NotFound("Hero not found") from None  # deleted since it was read
        except saving.VersionChanged:
            raise conditional.PreconditionFailed() from None  # changed since it was read

    def destroy(self, request, *args, **kwargs):
        hero = self.get_object()
        if_version = conditional.expected_version(request, hero)
        # The row stays locked from this read to the delete (on SQLite, the transaction
        # holds the write lock from its start): the history entry records the hero as it
        # was deleted, and a hero deleted meanwhile gets no second entry.
        with transaction.atomic():
            hero = self.get_queryset().select_for_update().filter(pk=hero.pk).first()
            if hero is None:
                raise NotFound("Hero not found")  # deleted since it was read
            if if_version is not None and hero.version != if_version:
                raise conditional.PreconditionFailed()
            hero.delete()
        return Response(status=HTTPStatus.NO_CONTENT)

    @action(
        detail=True,
        serializer_class=HeroVersionSerializer,
        permission_classes=[HeroHistoryPermissions],
        filter_backends=[],
        filterset_class=None,
    )
    def history(self, request, *args, **kwargs):
        """The hero's versions, newest first, a page at a time; a deleted hero's too."""
        SingleValueFilter().filter_queryset(request, None, self)  # limit, offset once
        pk = reads.parse_pk(Hero, kwargs[self.lookup_url_kwarg or self.lookup_field])
        page = self.paginate_queryset(public_versions(pk) if pk is not None else [])
        if not page and not (
            Hero.history.filter(id=pk).exists() or Hero.objects.filter(pk=pk).exists()
        ):
            raise NotFound("Hero not found")  # a hero seeded in bulk has no history
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def etag_header(self, hero: Hero) -> dict[str, str]:
        """The hero's ETag, for JSON answers: HTML pages are another representation."""
        if not reads.wants_json(self.request):
            return {}
        return {"ETag": conditional.hero_etag(hero)}

    def filter_queryset(self, queryset):
        # Filters, search and ordering describe lists; a detail lookup is by id alone.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)
