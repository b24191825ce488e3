from http import HTTPStatus

from django.test import Client
from django.urls import reverse

from tests.factories import LIST_URL, SECRET


def _html(client: Client, url: str) -> str:
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def test_browsable_list_is_titled_for_this_service(make_hero):
    make_hero()

    html = _html(Client(), LIST_URL)

    assert "<title>Hero List | Heroes API</title>" in html
    assert "Django REST framework" not in html
    assert "Deadpond" in html


def test_browsable_list_shows_filter_form(make_hero):
    make_hero()

    html = _html(Client(), LIST_URL)

    assert 'name="name__icontains"' in html
    assert 'name="age__gte"' in html


def test_browsable_list_hides_create_form_from_anonymous(make_hero):
    make_hero()

    html = _html(Client(), LIST_URL)

    assert 'id="post-object-form"' not in html
    assert SECRET not in html


def test_browsable_list_shows_create_form_to_permitted_user(writer, make_hero):
    make_hero()
    client = Client()
    client.force_login(writer)

    html = _html(client, LIST_URL)

    assert 'id="post-object-form"' in html
    assert 'name="secret_name"' in html
    assert SECRET not in html


def test_browsable_detail_never_shows_secret_name(writer, make_hero):
    hero = make_hero()
    client = Client()
    client.force_login(writer)

    html = _html(client, reverse("hero-detail", args=[hero.id]))

    assert 'id="put-object-form"' in html
    assert SECRET not in html


def test_browsable_validation_error_never_echoes_secret_name(writer):
    client = Client()
    client.force_login(writer)

    response = client.post(
        LIST_URL, {"name": "", "secret_name": SECRET, "age": "x"}, HTTP_ACCEPT="text/html"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert SECRET not in response.content.decode()


def test_login_page_is_titled_for_this_service(db):
    html = _html(Client(), reverse("rest_framework:login"))

    assert "Heroes API" in html
    assert "Django REST framework" not in html
