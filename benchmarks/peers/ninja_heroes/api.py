from typing import Annotated, Literal

from django.db.models import F
from django.shortcuts import get_object_or_404
from ninja import FilterLookup, FilterSchema, ModelSchema, NinjaAPI, Query
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer
from ninja_heroes.models import Hero, Token

api = NinjaAPI(title="Heroes (django-ninja)")


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`, looked up in the users' token table."""

    def authenticate(self, request, token):
        return Token.objects.filter(key=token).values_list("user_id", flat=True).first()


class HeroPublic(ModelSchema):
    class Meta:
        model = Hero
        fields = ["id", "name", "age"]


class HeroCreate(ModelSchema):
    class Meta:
        model = Hero
        fields = ["name", "age", "secret_name"]


class HeroUpdate(ModelSchema):
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


ORDERINGS = {
    "id": [F("id").asc()],
    "-id": [F("id").desc()],
    "name": [F("name").asc(), F("id").asc()],
    "-name": [F("name").desc(), F("id").asc()],
    "age": [F("age").asc(nulls_last=True), F("id").asc()],
    "-age": [F("age").desc(nulls_last=True), F("id").asc()],
}


@api.get("/heroes/", response=list[HeroPublic])
@paginate(LimitOffsetPagination)
def list_heroes(
    request,
    filters: Query[HeroFilter],
    ordering: Literal["id", "-id", "name", "-name", "age", "-age"] = "id",
):
    return filters.filter(Hero.objects.all()).order_by(*ORDERINGS[ordering])


@api.get("/heroes/{hero_id}/", response=HeroPublic)
def read_hero(request, hero_id: int):
    return get_object_or_404(Hero, id=hero_id)


@api.post("/heroes/", response={201: HeroPublic}, auth=TokenAuth())
def create_hero(request, payload: HeroCreate):
    return 201, Hero.objects.create(**payload.dict())


@api.put("/heroes/{hero_id}/", response=HeroPublic, auth=TokenAuth())
def replace_hero(request, hero_id: int, payload: HeroCreate):
    hero = get_object_or_404(Hero, id=hero_id)
    for attribute, value in payload.dict().items():
        setattr(hero, attribute, value)
    hero.save()
    return hero


@api.patch("/heroes/{hero_id}/", response=HeroPublic, auth=TokenAuth())
def update_hero(request, hero_id: int, payload: HeroUpdate):
    hero = get_object_or_404(Hero, id=hero_id)
    for attribute, value in payload.dict(exclude_unset=True).items():
        setattr(hero, attribute, value)
    hero.save()
    return hero


@api.delete("/heroes/{hero_id}/", response={204: None}, auth=TokenAuth())
def delete_hero(request, hero_id: int):
    hero = get_object_or_404(Hero, id=hero_id)
    hero.delete()
    return 204, None
