"""The FastAPI + SQLModel original: the SQL databases tutorial's final version, for comparison.

Written as the tutorial writes it (HeroBase/Hero/HeroPublic/HeroCreate/HeroUpdate, sync
endpoints with a Session dependency). What differs, so that it answers every request the
benchmark makes on the same rows as the Django project:
- it reads the table the benchmark seeded (`heroes_hero`), on SQLite or PostgreSQL
  (DATABASE_URL);
- the list answers with a count envelope (count, next, previous, results), is ordered by
  id, and takes the project's filters, `search` and `ordering` as plain query parameters
  (the tutorial has none of them);
- PUT replaces a hero; one hero carries an ETag (a digest of its JSON) and answers a
  matching If-None-Match with 304, as a FastAPI user would write it by hand;
- SQLite runs with `synchronous=NORMAL`, as the Django project does in WAL mode.
"""

import hashlib
import os
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from sqlalchemy import event, func
from sqlmodel import Field, Session, SQLModel, create_engine, select


class HeroBase(SQLModel):
    name: str = Field(index=True)
    age: int | None = Field(default=None, index=True)


class Hero(HeroBase, table=True):
    __tablename__ = "heroes_hero"

    id: int | None = Field(default=None, primary_key=True)
    secret_name: str


class HeroPublic(HeroBase):
    id: int


class HeroCreate(HeroBase):
    secret_name: str


class HeroUpdate(HeroBase):
    name: str | None = None
    age: int | None = None
    secret_name: str | None = None


class HeroPage(SQLModel):
    count: int
    next: str | None
    previous: str | None
    results: list[HeroPublic]


database_url = os.environ["DATABASE_URL"]
if database_url.startswith("sqlite"):
    engine = create_engine(database_url, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")

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

app = FastAPI()


@app.post("/heroes/", response_model=HeroPublic)
def create_hero(hero: HeroCreate, session: SessionDep):
    db_hero = Hero.model_validate(hero)
    session.add(db_hero)
    session.commit()
    session.refresh(db_hero)
    return db_hero


@app.get("/heroes/", response_model=HeroPage)
def read_heroes(
    request: Request,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
    name: str | None = None,
    name__icontains: str | None = None,
    search: str | None = None,
    age__gte: int | None = None,
    age__lte: int | None = None,
    age__isnull: bool | None = None,
    ordering: Literal["id", "-id", "name", "-name", "age", "-age"] = "id",
):
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
        next=str(request.url.include_query_params(offset=after)) if after < count else None,
        previous=str(request.url.include_query_params(offset=before)) if offset else None,
        results=heroes,
    )


@app.get("/heroes/{hero_id}", response_model=HeroPublic)
def read_hero(hero_id: int, session: SessionDep, request: Request, response: Response):
    hero = session.get(Hero, hero_id)
    if not hero:
        raise HTTPException(status_code=404, detail="Hero not found")
    public = HeroPublic.model_validate(hero)
    etag = f'"{hashlib.md5(public.model_dump_json().encode()).hexdigest()}"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    response.headers["ETag"] = etag
    return public


@app.put("/heroes/{hero_id}", response_model=HeroPublic)
def replace_hero(hero_id: int, hero: HeroCreate, session: SessionDep):
    hero_db = session.get(Hero, hero_id)
    if not hero_db:
        raise HTTPException(status_code=404, detail="Hero not found")
    hero_db.sqlmodel_update(hero.model_dump())
    session.add(hero_db)
    session.commit()
    session.refresh(hero_db)
    return hero_db


@app.patch("/heroes/{hero_id}", response_model=HeroPublic)
def update_hero(hero_id: int, hero: HeroUpdate, session: SessionDep):
    hero_db = session.get(Hero, hero_id)
    if not hero_db:
        raise HTTPException(status_code=404, detail="Hero not found")
    hero_data = hero.model_dump(exclude_unset=True)
    hero_db.sqlmodel_update(hero_data)
    session.add(hero_db)
    session.commit()
    session.refresh(hero_db)
    return hero_db


@app.delete("/heroes/{hero_id}")
def delete_hero(hero_id: int, session: SessionDep):
    hero = session.get(Hero, hero_id)
    if not hero:
        raise HTTPException(status_code=404, detail="Hero not found")
    session.delete(hero)
    session.commit()
    return {"ok": True}
