from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, FilterLookup, FilterSchema, ModelSchema, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.pagination import PaginationBase, paginate
from ninja.security import HttpBearer
from ninja_matched.models import AGE_MAX, Hero, Token

MAX_LIMIT = 100
NO_CREDENTIALS = "Authentication credentials were not provided."

api = NinjaAPI(title="Heroes (django-ninja, feature-matched)", urls_namespace="heroes")


class InvalidToken(AuthenticationError):
    """A Token header whose key names no active user: 401, saying why."""


class TokenAuth(HttpBearer):
    """`Authorization: Token <key>` (DRF's keyword), looked up in the users' token table."""

    openapi_scheme = "token"

    def authenticate(self, request, token):
        found = Token.objects.select_related("user").filter(key=token).first()
        if found is None:
            raise InvalidToken(message="Invalid token.")
        if not found.user.is_active:
            raise InvalidToken(message="User inactive or deleted.")
        return found.user


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    # ninja's own AuthenticationError: no `Authorization: Token` header at all.
    message = exc.message if isinstance(exc, InvalidToken) else NO_CREDENTIALS
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = "Token"
    return response


def require(request, permission: str) -> None:
    """The user's model permission (Django's ModelBackend: superuser, user and groups)."""
    if not request.auth.has_perm(f"heroes.{permission}"):
        raise HttpError(403, "You do not have permission to perform this action.")


class HeroPublic(ModelSchema):
    class Meta:
        model = Hero
        fields = ["id", "name", "age"]


class HeroCreate(ModelSchema):
    # The model's validators are not the schema's: the age's bounds, as the project checks them.
    age: int | None = Field(None, ge=0, le=AGE_MAX)

    class Meta:
        model = Hero
        fields = ["name", "age", "secret_name"]


class HeroUpdate(ModelSchema):
    age: int | None = Field(None, ge=0, le=AGE_MAX)

    class Meta:
        model = Hero
        fields = ["name", "age", "secret_name"]
        fields_optional = ["name", "age", "secret_name"]


class HeroFilter(FilterSchema):
    name: str | None = None
    name__icontains: str | None = None
    search: Annotated[str | None, FilterLookup("name__icontains")] = None
    age__gte: int | None = None
    age__lte: int | None = None
    age__isnull: bool | None = None


def page_link(request: HttpRequest, limit: int, offset: int) -> str:
    """A page's URL as DRF writes it: limit and offset set, the parameters in name order."""
    query = {**dict(request.GET.lists()), "limit": [limit], "offset": [offset]}
    if not offset:
        del query["offset"]
    return request.build_absolute_uri(
        f"{request.path}?{urlencode(sorted(query.items()), doseq=True)}"
    )


class HeroPagination(PaginationBase):
    """limit/offset, answered in DRF's envelope (count, next, previous, results)."""

    class Input(Schema):
        limit: int = Field(MAX_LIMIT, ge=1)  # larger limits are capped at MAX_LIMIT
        offset: int = Field(0, ge=0)

    class Output(Schema):
        count: int
        next: str | None
        previous: str | None
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(self, queryset, pagination: Input, request, **params):
        limit, offset = min(pagination.limit, MAX_LIMIT), pagination.offset
        count = self._items_count(queryset)
        after, before = offset + limit, max(offset - limit, 0)
        return {
            "count": count,
            "next": page_link(request, limit, after) if after < count else None,
            "previous": page_link(request, limit, before) if offset else None,
            "results": queryset[offset:after],
        }


ORDERINGS = {
    "id": [F("id").asc()],
    "-id": [F("id").desc()],
    "name": [F("name").asc(), F("id").asc()],
    "-name": [F("name").desc(), F("id").asc()],
    "age": [F("age").asc(nulls_last=True), F("id").asc()],
    "-age": [F("age").desc(nulls_last=True), F("id").asc()],
}


def etag(hero: Hero) -> str:
    return f'"{hero.version}"'


@api.get("/heroes/", response=list[HeroPublic])
@paginate(HeroPagination)
def list_heroes(
    request,
    filters: Query[HeroFilter],
    ordering: Literal["id", "-id", "name", "-name", "age", "-age"] = "id",
):
    return filters.filter(Hero.objects.all()).order_by(*ORDERINGS[ordering])


@api.get("/heroes/{hero_id}/", response=HeroPublic, url_name="hero")
def read_hero(request, hero_id: int, response: HttpResponse):
    hero = get_object_or_404(Hero, id=hero_id)
    # ConditionalGetMiddleware answers 304 when If-None-Match names it.
    response["ETag"] = etag(hero)
    return hero


@api.post("/heroes/", response={201: HeroPublic}, auth=TokenAuth())
def create_hero(request, payload: HeroCreate, response: HttpResponse):
    require(request, "add_hero")
    hero = Hero(**payload.dict())
    hero._history_user = request.auth
    with transaction.atomic():
        hero.save()  # simple-history adds its entry in the same transaction
    response["Location"] = request.build_absolute_uri(reverse("heroes:hero", args=[hero.id]))
    response["ETag"] = etag(hero)
    return 201, hero


def save_changes(request, hero_id: int, changes: dict, response: HttpResponse) -> Hero:
    with transaction.atomic():
        hero = get_object_or_404(Hero.objects.select_for_update(), id=hero_id)
        for attribute, value in changes.items():
            setattr(hero, attribute, value)
        hero.version += 1
        hero._history_user = request.auth
        hero.save()
    response["ETag"] = etag(hero)
    return hero


@api.put("/heroes/{hero_id}/", response=HeroPublic, auth=TokenAuth())
def replace_hero(request, hero_id: int, payload: HeroCreate, response: HttpResponse):
    require(request, "change_hero")
    return save_changes(request, hero_id, payload.dict(), response)


@api.patch("/heroes/{hero_id}/", response=HeroPublic, auth=TokenAuth())
def update_hero(request, hero_id: int, payload: HeroUpdate, response: HttpResponse):
    require(request, "change_hero")
    return save_changes(request, hero_id, payload.dict(exclude_unset=True), response)


@api.delete("/heroes/{hero_id}/", response={204: None}, auth=TokenAuth())
def delete_hero(request, hero_id: int):
    require(request, "delete_hero")
    with transaction.atomic():
        hero = get_object_or_404(Hero.objects.select_for_update(), id=hero_id)
        hero._history_user = request.auth
        hero.delete()  # and simple-history's entry '-', in the same transaction
    return 204, None
