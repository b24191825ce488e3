"""The tables of the feature-matched FastAPI peer (fastapi_matched.py), as SQLModel models.

The hero models of the SQL databases tutorial, on the project's `heroes_hero` (with its
`version`), the project's django-simple-history table, and Django's users, DRF's tokens and
Django's permissions, as the project's migrations made them, with ModelBackend's check.
Nothing here creates a table.
"""

from datetime import UTC, datetime

from sqlalchemy import or_
from sqlmodel import Field, Session, SQLModel, select

AGE_MAX = 2_147_483_647


class HeroBase(SQLModel):
    name: str = Field(index=True, max_length=255)
    age: int | None = Field(default=None, index=True, ge=0, le=AGE_MAX)


class Hero(HeroBase, table=True):
    __tablename__ = "heroes_hero"

    id: int | None = Field(default=None, primary_key=True)
    secret_name: str = Field(max_length=255)
    version: int = 1


class HeroPublic(HeroBase):
    id: int


class HeroCreate(HeroBase):
    secret_name: str = Field(max_length=255)


class HeroUpdate(HeroBase):
    name: str | None = Field(default=None, max_length=255)
    age: int | None = Field(default=None, ge=0, le=AGE_MAX)
    secret_name: str | None = Field(default=None, max_length=255)


class HeroPage(SQLModel):
    count: int
    next: str | None
    previous: str | None
    results: list[HeroPublic]


class HeroHistory(SQLModel, table=True):
    """One change to a hero, on the project's django-simple-history table."""

    __tablename__ = "heroes_historicalhero"

    history_id: int | None = Field(default=None, primary_key=True)
    id: int
    name: str
    age: int | None
    secret_name: str
    version: int
    history_date: datetime
    history_change_reason: str | None = None
    history_type: str
    history_user_id: int | None
    history_command: str = ""  # the manage.py command behind a change: none here

    @classmethod
    def of(cls, hero: Hero, history_type: str, user: "User") -> "HeroHistory":
        fields = hero.model_dump(include={"id", "name", "age", "secret_name", "version"})
        now = datetime.now(UTC)
        return cls(**fields, history_date=now, history_type=history_type, history_user_id=user.id)


# Django's users, tokens and permissions, as the project's migrations made them.
class User(SQLModel, table=True):
    __tablename__ = "auth_user"

    id: int = Field(primary_key=True)
    username: str
    is_active: bool
    is_superuser: bool


class Token(SQLModel, table=True):
    __tablename__ = "authtoken_token"

    key: str = Field(primary_key=True)
    user_id: int = Field(foreign_key="auth_user.id")


class ContentType(SQLModel, table=True):
    __tablename__ = "django_content_type"

    id: int = Field(primary_key=True)
    app_label: str
    model: str


class Permission(SQLModel, table=True):
    __tablename__ = "auth_permission"

    id: int = Field(primary_key=True)
    codename: str
    content_type_id: int = Field(foreign_key="django_content_type.id")


class UserPermission(SQLModel, table=True):
    __tablename__ = "auth_user_user_permissions"

    id: int = Field(primary_key=True)
    user_id: int
    permission_id: int


class UserGroup(SQLModel, table=True):
    __tablename__ = "auth_user_groups"

    id: int = Field(primary_key=True)
    user_id: int
    group_id: int


class GroupPermission(SQLModel, table=True):
    __tablename__ = "auth_group_permissions"

    id: int = Field(primary_key=True)
    group_id: int
    permission_id: int


def has_perm(session: Session, user: User, codename: str) -> bool:
    """As Django's ModelBackend: a superuser, or the permission given to the user or a group."""
    if user.is_superuser:
        return True
    direct = select(UserPermission.permission_id).where(UserPermission.user_id == user.id)
    grouped = (
        select(GroupPermission.permission_id)
        .join(UserGroup, UserGroup.group_id == GroupPermission.group_id)
        .where(UserGroup.user_id == user.id)
    )
    statement = (
        select(Permission.id)
        .join(ContentType)
        .where(ContentType.app_label == "heroes", Permission.codename == codename)
        .where(or_(Permission.id.in_(direct), Permission.id.in_(grouped)))
    )
    return session.exec(statement).first() is not None
