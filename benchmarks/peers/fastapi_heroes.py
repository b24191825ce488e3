"""The FastAPI + SQLModel original: the SQL databases tutorial's final version, for comparison.

Written as the tutorial writes it (HeroBase/Hero/HeroPublic/HeroCreate/HeroUpdate, sync
endpoints with a Session dependency). Three things differ, so that it serves the same rows
as the Django project and the floor:
- it reads the table the benchmark seeded (`heroes_hero`, file from HEROES_DB);
- the list is ordered by id, and takes the optional `name`, `age__gte` and `age__lte`
  filters the benchmark requests (the tutorial has no filters);
- SQLite runs with `synchronous=NORMAL`, as the Django project does in WAL mode.
"""

import os
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query
from sqlalchemy import event
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


sqlite_url = f"sqlite:///{os.environ['HEROES_DB']}"
connect_args = {"check_same_thread": False}
engine = create_engine(sqlite_url, connect_args=connect_args)


@event.listens_for(engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


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


@app.get("/heroes/", response_model=list[HeroPublic])
def read_heroes(
    session: SessionDep,
    offset: int = 0,
    limit: Annotated[int, Query(le=100)] = 100,
    name: str | None = None,
    age__gte: int | None = None,
    age__lte: int | None = None,
):
    statement = select(Hero)
    if name is not None:
        statement = statement.where(Hero.name == name)
    if age__gte is not None:
        statement = statement.where(Hero.age >= age__gte)
    if age__lte is not None:
        statement = statement.where(Hero.age <= age__lte)
    heroes = session.exec(statement.order_by(Hero.id).offset(offset).limit(limit)).all()
    return heroes


@app.get("/heroes/{hero_id}", response_model=HeroPublic)
def read_hero(hero_id: int, session: SessionDep):
    hero = session.get(Hero, hero_id)
    if not hero:
        raise HTTPException(status_code=404, detail="Hero not found")
    return hero


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
