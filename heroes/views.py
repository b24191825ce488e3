from django.db import DatabaseError, connection, transaction
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_safe
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import (
    SpectacularJSONAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)
from rest_framework import viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from heroes import reads
from heroes.fastpaths import with_fast_paths
from heroes.filters import (
    ORDERING_FIELDS,
    HeroFilterBackend,
    HeroFilterSet,
    HeroOrderingFilter,
    HeroSearchFilter,
    SingleValueFilter,
)
from heroes.models import Hero
from heroes.pagination import HeroPagination
from heroes.permissions import HeroPermissions
from heroes.schema import (
    ERRORS,
    HERO_BODIES,
    LIST_PARAMETERS,
    RETRY_AFTER,
    ErrorSerializer,
    HeroAutoSchema,
    TokenErrorSerializer,
    TokenSerializer,
)
from heroes.serializers import HeroSerializer
from heroes.throttling import LoginRateThrottle

PAGE_PARAMETERS = {HeroPagination.limit_query_param, HeroPagination.offset_query_param}
AGE_RANGE_PARAMETERS = {"age__gte", "age__lte"}


@extend_schema_view(
    list=extend_schema(parameters=LIST_PARAMETERS),
    create=extend_schema(request=HERO_BODIES),
    update=extend_schema(request=HERO_BODIES),
    partial_update=extend_schema(request=HERO_BODIES),
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

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        # One hero read, created or patched as JSON in the commonest way skips DRF's
        # per-request work, with the same answer: FastPathsMiddleware calls the view's
        # fast_path before the rest of the stack (heroes/fastpaths.py).
        return with_fast_paths(super().as_view(actions, **initkwargs))

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action in ("update", "partial_update", "destroy"):
            # Read-modify-write under a row lock, so two concurrent PATCHes of different
            # fields cannot undo each other (save() writes every column). On SQLite,
            # IMMEDIATE transactions queue the writers instead.
            return queryset.select_for_update()
        return queryset

    @transaction.atomic
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @transaction.atomic
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        fields = reads.public_fields(self.get_serializer_class())
        if fields is None or not reads.wants_json(request):
            return super().list(request, *args, **kwargs)
        parameters = set(request.query_params) - PAGE_PARAMETERS
        if not parameters:
            # No filter, search or ordering: every hero in id order, with prepared SQL.
            SingleValueFilter().filter_queryset(request, None, self)  # limit, offset once
            heroes = reads.AllInIdOrder(self.get_queryset(), fields)
        else:
            queryset = self.filter_queryset(self.get_queryset())  # validates every parameter
            heroes = reads.values(queryset, fields)
            if parameters == AGE_RANGE_PARAMETERS:
                # As django-filter read them (empty means no bound): its own form fields.
                low, high = (
                    HeroFilterSet.base_filters[name].field.clean(request.query_params[name])
                    for name in ("age__gte", "age__lte")
                )
                if low is not None and high is not None:
                    heroes = reads.FewAgesInIdOrder(queryset, fields, low, high)
        page = self.paginate_queryset(heroes)
        return self.get_paginated_response(reads.as_dicts(page, fields))

    def retrieve(self, request, *args, **kwargs):
        fields = reads.public_fields(self.get_serializer_class())
        if fields is None or not reads.wants_json(request):
            return super().retrieve(request, *args, **kwargs)
        raw_pk = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        row = reads.row_by_id(Hero, fields, raw_pk)
        if row is None:
            raise NotFound("Hero not found")
        (hero,) = reads.as_dicts([row], fields)
        self.check_object_permissions(request, hero)
        return Response(hero)

    def get_object(self) -> Hero:
        if reads.parse_pk(Hero, self.kwargs[self.lookup_url_kwarg or self.lookup_field]) is None:
            raise NotFound("Hero not found")
        try:
            return super().get_object()
        except Http404:
            raise NotFound("Hero not found") from None

    def filter_queryset(self, queryset):
        # Filters, search and ordering describe lists; a detail lookup is by id alone.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


class ObtainTokenView(ObtainAuthToken):
    """Trades a username and password for that user's API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginRateThrottle]

    @extend_schema(
        responses={
            200: TokenSerializer,
            400: TokenErrorSerializer,
            413: OpenApiResponse(ErrorSerializer, ERRORS["413"]),
            415: ErrorSerializer,
            429: OpenApiResponse(ErrorSerializer, ERRORS["429"]),
        },
        parameters=[RETRY_AFTER],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class FirstRendererNegotiation(BaseContentNegotiation):
    """Always picks the view's first renderer, whatever the Accept header asks for."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class OpenAPIJSONView(SpectacularJSONAPIView):
    """The OpenAPI 3 document, always as JSON."""

    content_negotiation_class = FirstRendererNegotiation
    authentication_classes: list = []
    permission_classes = [AllowAny]


class SwaggerUIView(SpectacularSwaggerView):
    """Swagger UI; only GET and HEAD, since its HTML renderer cannot render OPTIONS metadata."""

    http_method_names = ["get", "head"]


class RedocView(SpectacularRedocView):
    """ReDoc; only GET and HEAD, like Swagger UI."""

    http_method_names = ["get", "head"]


@require_safe
def healthz(request):
    """200 when the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
