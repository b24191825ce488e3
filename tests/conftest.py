from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from heroes.models import Hero

SECRET = "Pedro Parqueador"

# int() reads each of these as the id; only its ASCII digits may name a hero.
OTHER_SPELLINGS = ("space", "newline", "plus", "underscore", "arabic_digits")


def spelled_otherwise(pk: int, kind: str) -> str:
    return {
        "space": f" {pk}",
        "newline": f"{pk}\n",
        "plus": f"+{pk}",
        "underscore": f"0_{pk}",
        "arabic_digits": str(pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
    }[kind]


def pytest_report_header(config) -> str:
    # Tells the SQLite pass from the PostgreSQL pass in the output.
    return f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def make_hero(db) -> Callable[..., Hero]:
    def make(name: str = "Deadpond", age: int | None = None, secret_name: str = SECRET) -> Hero:
        return Hero.objects.create(name=name, age=age, secret_name=secret_name)

    return make


def _user_with(username: str, *codenames: str) -> User:
    user = User.objects.create_user(username=username, password="correct horse battery")
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def _token_client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def writer(db) -> User:
    return _user_with("writer", "add_hero", "change_hero", "delete_hero")


@pytest.fixture
def writer_client(writer) -> APIClient:
    return _token_client(writer)


@pytest.fixture
def reader(db) -> User:
    return _user_with("reader")


@pytest.fixture
def reader_client(reader) -> APIClient:
    return _token_client(reader)


@pytest.fixture
def user_with_permissions(db) -> Callable[..., APIClient]:
    def make(*codenames: str) -> APIClient:
        return _token_client(_user_with("limited", *codenames))

    return make


@pytest.fixture(autouse=True)
def _test_settings(settings) -> None:
    # PBKDF2 is slow on purpose; the tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client speaks plain HTTP, as `make run` does (DJANGO_HTTPS=0).
    settings.SECURE_SSL_REDIRECT = False
