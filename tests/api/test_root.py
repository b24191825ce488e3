from http import HTTPStatus

from django.templatetags.static import static
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from drf_spectacular.generators import SchemaGenerator

from heroes.api.root import FAVICON, SERVICE_LINKS

ROOT = reverse("api-root")
LINKS = {
    "heroes": "/heroes/",
    "docs": "/docs/",
    "redoc": "/redoc/",
    "schema": "/openapi.json",
    "token": "/auth/token/",
    "admin": "/admin/",
    "livez": "/livez/",
    "readyz": "/readyz/",
}


def test_read_root_as_json_answers_named_links_to_each_part(db):
    response = Client().get(ROOT, HTTP_ACCEPT="application/json")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {name: f"http://testserver{path}" for name, path in LINKS.items()}


def test_every_link_of_the_root_answers(db):
    client = Client()

    for name, path in LINKS.items():
        response = client.get(path)
        if name == "token":
            assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED  # POST only
        elif name == "admin":
            assert response.status_code == HTTPStatus.FOUND  # to its login page
        else:
            assert response.status_code == HTTPStatus.OK, name


def test_read_root_as_html_describes_the_service_and_each_part(db):
    response = Client().get(ROOT, HTTP_ACCEPT="text/html")

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<title>Heroes API</title>" in html
    assert "DefaultRouter" not in html
    assert "Api Root" not in html
    for link in SERVICE_LINKS:
        assert escape(link.description) in html
        if link.method == "GET":
            assert f'<a href="{reverse(link.url_name)}">{link.title}</a>' in html
        else:
            assert f"<code>{link.method} {reverse(link.url_name)}</code>" in html


def test_root_is_left_out_of_the_openapi_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)

    assert "/" not in schema["paths"]
    assert all(path.startswith(("/heroes/", "/auth/")) for path in schema["paths"])


def test_read_favicon_ico_redirects_to_the_service_icon(db):
    response = Client().get("/favicon.ico")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == static(FAVICON)
    assert "max-age=86400" in response["Cache-Control"]
