from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.test import Client
from rest_framework.test import APIClient

from heroes.models import Hero
from tests import factories


def pytest_collection_modifyitems(config, items) -> None:
    # Tests that start real servers, by where they live; `make check` leaves them out.
    for item in items:
        if "/tests/system/" in str(item.path):
            item.add_marker(pytest.mark.system)
    # With a speed module switched off (HEROES_SPEED=0, HEROES_SPEED_OFF), the tests of what
    # only the speed layer does are deselected, as the summary says; every other test runs.
    if settings.HEROES_SPEED_OFF:
        speed = [item for item in items if item.get_closest_marker("speed")]
        if speed:
            config.hook.pytest_deselected(items=speed)
            items[:] = [item for item in items if not item.get_closest_marker("speed")]


def pytest_report_header(config) -> str:
    # Tells the SQLite pass from the PostgreSQL pass in the output.
    return f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def make_hero(db) -> Callable[..., Hero]:
    return factories.make_hero


def _user_with(username: str, *codenames: str) -> User:
    user = User.objects.create_user(username=username, password="correct horse battery")
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def _token_client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {factories.api_token(user)}")
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


@pytest.fixture
def staff_client(db) -> Client:
    """A superuser logged in to the admin."""
    client = Client()
    client.force_login(User.objects.create_superuser("admin", password="correct horse battery"))
    return client


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path_factory) -> None:
    # PBKDF2 is slow on purpose; the tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client speaks plain HTTP, as `make run` does (DJANGO_HTTPS=0).
    settings.SECURE_SSL_REDIRECT = False
    # In-process tests need no collectstatic; servers started by tests/system use whitenoise.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    static_root = tmp_path_factory.getbasetemp() / "static"
    static_root.mkdir(exist_ok=True)
    settings.STATIC_ROOT = static_root  # whitenoise warns about a missing one
