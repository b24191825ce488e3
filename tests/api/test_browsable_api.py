import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from heroes.api.browsable import HeroesBrowsableAPIRenderer
from tests.factories import LIST_URL, SECRET, detail_url


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
    assert 'id="put-generic-content-form"' in html
    assert '<button data-method="PATCH"' in html
    assert SECRET not in html


def test_browsable_validation_error_never_echoes_secret_name(writer):
    client = Client()
    client.force_login(writer)

    response = client.post(
        LIST_URL, {"name": "", "secret_name": SECRET, "age": "x"}, HTTP_ACCEPT="text/html"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert SECRET not in response.content.decode()


def test_log_in_without_next_lands_on_the_front_page(writer):
    response = Client().post(
        reverse("rest_framework:login"),
        {"username": "writer", "password": "correct horse battery"},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("api-root")


def test_login_page_is_titled_for_this_service(db):
    html = _html(Client(), reverse("rest_framework:login"))

    assert "Heroes API" in html
    assert "Django REST framework" not in html


def test_browsable_list_links_each_hero_to_its_page(make_hero):
    heroes = [make_hero("Deadpond"), make_hero("Rusty-Man", age=48)]

    html = _html(Client(), LIST_URL)

    for hero in heroes:
        assert f'<a href="{detail_url(hero.id)}">{hero.name}</a>' in html
    assert "Heroes 1\N{EN DASH}2 of 2" in html


def test_browsable_list_page_says_which_heroes_it_shows(make_hero):
    heroes = [make_hero(f"Hero {number}") for number in range(5)]

    html = _html(Client(), f"{LIST_URL}?limit=2&offset=2")

    assert "Heroes 3\N{EN DASH}4 of 5" in html
    linked = re.findall(r'<a href="/heroes/(\d+)/">', html)
    assert linked == [str(hero.id) for hero in heroes[2:4]]


def test_browsable_list_puts_create_form_then_heroes_then_folded_json(writer, make_hero):
    make_hero()
    client = Client()
    client.force_login(writer)

    html = _html(client, LIST_URL)

    form, heroes = html.index('id="post-object-form"'), html.index('class="hero-list"')
    answer = html.index('<details class="exchange">')  # folded: no `open`
    assert form < heroes < answer < html.index('class="response-info"')


def test_browsable_detail_is_titled_with_the_hero_name(make_hero):
    hero = make_hero("Rusty-Man", age=48)

    html = _html(Client(), detail_url(hero.id))

    assert "<title>Rusty-Man | Heroes API</title>" in html
    assert "<h1>Rusty-Man</h1>" in html
    assert f'<li class="active"><a href="{detail_url(hero.id)}">Rusty-Man</a></li>' in html
    assert "Hero Instance" not in html
    assert '<details class="exchange" open>' in html


def test_browsable_detail_escapes_a_hero_name_written_as_html(make_hero):
    hero = make_hero("<script>alert(1)</script>")

    detail = _html(Client(), detail_url(hero.id))
    listed = _html(Client(), LIST_URL)

    for html in (detail, listed):
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_browsable_detail_of_missing_hero_is_titled_by_its_id(db):
    response = Client().get(detail_url(999), HTTP_ACCEPT="text/html")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "<title>Hero 999 | Heroes API</title>" in response.content.decode()


def test_browsable_filter_form_offers_any_yes_no_for_heroes_without_an_age(make_hero):
    make_hero()

    html = _html(Client(), f"{LIST_URL}?age__isnull=false")

    select = re.search(r'<select name="age__isnull"[^>]*>(.*?)</select>', html, re.DOTALL)
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(1))
    assert options == [("", "", "Any"), ("true", "", "Yes"), ("false", " selected", "No")]
    assert '<label for="id_age__isnull">Without an age:</label>' in html


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", LIST_URL, None),
        ("get", f"{LIST_URL}?age__gte=1&age__lte=99", None),
        ("get", "detail", None),
        ("post", LIST_URL, {"name": "Gamma", "secret_name": SECRET}),
        ("patch", "detail", {"age": 40}),
    ],
)
def test_json_answers_never_build_the_html_page(
    writer_client, make_hero, monkeypatch, method, url, body
):
    hero = make_hero(age=30)

    def refuse(*args, **kwargs):
        raise AssertionError("the browsable API's page was built for a JSON answer")

    monkeypatch.setattr(HeroesBrowsableAPIRenderer, "get_context", refuse)
    monkeypatch.setattr(HeroesBrowsableAPIRenderer, "render", refuse)
    path = detail_url(hero.id) if url == "detail" else url
    response = getattr(writer_client, method)(
        path, body, format="json", HTTP_ACCEPT="application/json"
    )

    assert response.status_code in (HTTPStatus.OK, HTTPStatus.CREATED)
    assert "secret_name" not in response.json()
