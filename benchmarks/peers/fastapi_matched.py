"""The FastAPI + SQLModel peer, feature-matched: the project's per-request work, FastAPI's way.

The same as the project: `Authorization: Token <key>` against DRF's `authtoken_token` and an
active `auth_user` (401 with `WWW-Authenticate: Token` otherwise); writes need
heroes.add_hero / change_hero / delete_hero, from the user, their groups or superuser (403);
every create, update and delete adds a `heroes_historicalhero` row ('+', '~', '-', the user,
the date) in the write's own commit; every update adds one to `version`, the hero's strong
ETag `"<version>"`, and a matching If-None-Match answers 304; POST answers 201 with Location
(and the ETag); lists answer {count, next, previous, results}, limit capped at 100; SQLite
runs with the project's pragmas, busy timeout and BEGIN IMMEDIATE for writes.

Its own way: the SQL databases tutorial's shape (HeroBase/Hero/HeroPublic/HeroCreate/
HeroUpdate, sync endpoints, a Session dependency, commit then refresh), the auth tables as
SQLModel tables behind FastAPI dependencies (a query for the token and user, one for the
permission), the version raised by an SQL expression in the flush (SQLAlchemy's counter
recipe) and the row read back for its history entry. Where its answers differ: reads ignore
any token, lists carry no ETag, a hero's URL has no trailing slash (Location too), keys come
in HeroPublic's order, and an invalid body answers FastAPI's 422 rather than 400.
"""

import os
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.security import APIKeyHeader
from fastapi_matched_models import (
    Hero,
    HeroCreate,
    HeroHistory,
    HeroPage,
    HeroPublic,
    HeroUpdate,
    Token,
    User,
    has_perm,
)
from sqlalchemy import event, func
from sqlmodel import Session, create_engine, select

MAX_LIMIT = 100
# As the project runs SQLite (heroproject/settings.py): WAL, synchronous=NORMAL, a 20 s busy
# timeout, and writes that take the write lock at BEGIN (IMMEDIATE); reads run in autocommit.
SQLITE_PRAGMAS = {"journal_mode": "WAL", "synchronous": "NORMAL"}
SQLITE_CONNECT_ARGS = {"timeout": 20, "isolation_level": "IMMEDIATE", "check_same_thread": False}

database_url = os.environ["DATABASE_URL"]
if database_url.startswith("sqlite"):
    engine = create_engine(database_url, connect_args=SQLITE_CONNECT_ARGS)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
        for pragma, value in SQLITE_PRAGMAS.items():
            dbapi_connection.execute(f"PRAGMA {pragma}={value}")

else:
    engine = create_engine(database_url.replace("postgres://", "postgresql+psycopg://", 1))

ORDERINGS = {
    "id": [Hero.id],
    "-id": [Hero.id.desc()],
    "name": [Hero.name, Hero.id],
    "-name": [Hero.name.desc(), Hero.id],
    "age": [Hero.age.asc().nulls_last(), Hero.id],
    "-age": [Hero.age.desc().nulls_last(), Hero.id],
}


def get_session():
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
authorization_header = APIKeyHeader(name="Authorization", auto_error=False)


def get_current_user(
    session: SessionDep, authorization: Annotated[str | None, Depends(authorization_header)]
) -> User:
    scheme, _, key = (authorization or "").partition(" ")
    if scheme.lower() != "token" or not key:
        detail = "Authentication credentials were not provided."
        raise HTTPException(401, detail, headers={"WWW-Authenticate": "Token"})
    user = session.exec(select(User).join(Token).where(Token.key == key)).first()
    if user is None or not user.is_active:
        detail = "Invalid token." if user is None else "User inactive or deleted."
        raise HTTPException(401, detail, headers={"WWW-Authenticate": "Token"})
    return user


def permission(codename: str):
    def check(user: Annotated[User, Depends(get_current_user)], session: SessionDep) -> User:
        if not has_perm(session, user, codename):
            raise HTTPException(403, "You do not have permission to perform this action.")
        return user

    return check


app = FastAPI()


def etag(hero: Hero) -> str:
    return f'"{hero.version}"'


def none_match(request: Request, tag: str) -> bool:
    header = request.headers.get("if-none-match")
    if header is None:
        return False
    tags = {value.strip().removeprefix("W/") for value in header.split(",")}
    return "*" in tags or tag in tags


def get_hero(session: Session, hero_id: int, **options) -> Hero:
    hero = session.get(Hero, hero_id, **options)
    if not hero:
        raise HTTPException(status_code=404, detail="Hero not found")
    return hero


def page_link(request: Request, limit: int, offset: int) -> str:
    """A page's URL as DRF writes it: limit and offset set, the parameters in name order."""
    params = {**request.query_params, "limit": str(limit), "offset": str(offset)}
    if not offset:
        del params["offset"]
    return str(request.url.replace_query_params(**dict(sorted(params.items()))))


@app.post("/heroes/", response_model=HeroPublic, status_code=201)
def create_hero(
    hero: HeroCreate,
    session: SessionDep,
    user: Annotated[User, Depends(permission("add_hero"))],
    request: Request,
    response: Response,
):
    db_hero = Hero.model_validate(hero)
    session.add(db_hero)
    session.flush()
    session.add(HeroHistory.of(db_hero, "+", user))
    session.commit()
    session.refresh(db_hero)
    response.headers["Location"] = str(request.url_for("read_hero", hero_id=db_hero.id))
    response.headers["ETag"] = etag(db_hero)
    return db_hero


@app.get("/heroes/", response_model=HeroPage)
def read_heroes(
    request: Request,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1)] = MAX_LIMIT,
    name: str | None = None,
    name__icontains: str | None = None,
    search: str | None = None,
    age__gte: int | None = None,
    age__lte: int | None = None,
    age__isnull: bool | None = None,
    ordering: Literal["id", "-id", "name", "-name", "age", "-age"] = "id",
):
    limit = min(limit, MAX_LIMIT)
    conditions = []
    if name is not None:
        conditions.append(Hero.name == name)
    for term in (name__icontains, search):
        if term is not None:
            conditions.append(Hero.name.icontains(term, autoescape=True))
    if age__gte is not None:
        conditions.append(Hero.age >= age__gte)
    if age__lte is not None:
        conditions.append(Hero.age <= age__lte)
    if age__isnull is not None:
        conditions.append(Hero.age.is_(None) if age__isnull else Hero.age.is_not(None))
    count = session.exec(select(func.count()).select_from(Hero).where(*conditions)).one()
    statement = select(Hero).where(*conditions).order_by(*ORDERINGS[ordering])
    heroes = session.exec(statement.offset(offset).limit(limit)).all()
    after, before = offset + limit, max(offset - limit, 0)
    return HeroPage(
        count=count,
        next=page_link(request, limit, after) if after < count else None,
        previous=page_link(request, limit, before) if offset else None,
        results=heroes,
    )


@app.get("/heroes/{hero_id}", response_model=HeroPublic)
def read_hero(hero_id: int, session: SessionDep, request: Request, response: Response):
    hero = get_hero(session, hero_id)
    tag = etag(hero)
    if none_match(request, tag):
        return Response(status_code=304, headers={"ETag": tag})
    response.headers["ETag"] = tag
    return hero


def update(session: Session, hero_db: Hero, data: dict, user: User, response: Response) -> Hero:
    hero_db.sqlmodel_update(data)
    hero_db.version = Hero.version + 1  # in the UPDATE: concurrent writes all count
    session.add(hero_db)
    session.flush()
    session.refresh(hero_db)  # the row as written, its new version included
    session.add(HeroHistory.of(hero_db, "~", user))
    session.commit()
    session.refresh(hero_db)
    response.headers["ETag"] = etag(hero_db)
    return hero_db


@app.put("/heroes/{hero_id}", response_model=HeroPublic)
def replace_hero(
    hero_id: int,
    hero: HeroCreate,
    session: SessionDep,
    user: Annotated[User, Depends(permission("change_hero"))],
    response: Response,
):
    return update(session, get_hero(session, hero_id), hero.model_dump(), user, response)


@app.patch("/heroes/{hero_id}", response_model=HeroPublic)
def update_hero(
    hero_id: int,
    hero: HeroUpdate,
    session: SessionDep,
    user: Annotated[User, Depends(permission("change_hero"))],
    response: Response,
):
    hero_data = hero.model_dump(exclude_unset=True)
    return update(session, get_hero(session, hero_id), hero_data, user, response)


@app.delete("/heroes/{hero_id}", status_code=204)
def delete_hero(
    hero_id: int,
    session: SessionDep,
    user: Annotated[User, Depends(permission("delete_hero"))],
):
    hero = get_hero(session, hero_id, with_for_update=True)
    session.add(HeroHistory.of(hero, "-", user))
    session.delete(hero)
    session.commit()
