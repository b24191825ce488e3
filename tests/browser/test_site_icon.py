"""The service's icon: linked from every kind of page, and at /favicon.ico."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.site import Site

pytestmark = pytest.mark.browser

ICON_PATH = "/static/heroes/favicon"
PAGES = ["/", "/heroes/", "/api-auth/login/", "/docs/", "/redoc/", "/admin/login/"]


@pytest.mark.parametrize("path", PAGES)
def test_page_links_the_service_icon(page: Page, site: Site, path):
    page.goto(path)

    icon = page.locator("link[rel=icon]")
    expect(icon).to_have_count(1)
    href = icon.get_attribute("href")
    assert href.startswith(ICON_PATH)
    assert href.endswith(".svg")
    answer = page.request.get(site.url + href)
    assert answer.status == 200
    assert answer.headers["content-type"] == "image/svg+xml"
    assert answer.body().startswith(b"<svg ")


def test_favicon_ico_leads_to_the_service_icon(page: Page, site: Site):
    response = page.goto("/favicon.ico")

    assert response.status == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.url.startswith(f"{site.url}{ICON_PATH}")
    redirect = response.request.redirected_from
    assert redirect.url == f"{site.url}/favicon.ico"
    assert redirect.response().status == 302
    # The browser draws it: an SVG document of its own.
    assert page.evaluate("document.documentElement.tagName") == "svg"
