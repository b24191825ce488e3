"""The DRF browsable API at /heroes/, used in Chromium by a visitor and by a writer."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import log_in, screenshot, shown_response
from tests.browser.site import CATALOGUE, SECRET_NAMES, Site

pytestmark = pytest.mark.browser


def _names(page: Page) -> list[str]:
    status, body = shown_response(page)
    assert status == "HTTP 200 OK"
    return [hero["name"] for hero in body["results"]]


def _assert_no_secret_names(page: Page, *secret_names: str) -> None:
    html = page.content()
    for secret_name in secret_names or SECRET_NAMES:
        assert secret_name not in html


def test_browse_hero_list_anonymously_shows_heroes_under_service_title(page: Page):
    page.goto("/heroes/")

    expect(page).to_have_title("Hero List | Heroes API")
    expect(page.locator(".navbar-brand")).to_have_text("Heroes API")
    assert "Django REST framework" not in page.content()
    assert [name for name, _, _ in CATALOGUE] == _names(page)[: len(CATALOGUE)]
    _assert_no_secret_names(page)
    screenshot(page, "browsable-api")


def test_browse_hero_list_anonymously_offers_no_create_form(page: Page):
    page.goto("/heroes/")

    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.locator("#post-object-form")).to_have_count(0)
    expect(page.locator("#post-generic-content-form")).to_have_count(0)
    expect(page.get_by_role("link", name="HTML form")).to_have_count(0)
    expect(page.get_by_role("button", name="POST")).to_have_count(0)


def test_filter_hero_list_by_name_in_filters_dialog_narrows_list(page: Page):
    page.goto("/heroes/")
    unfiltered = _names(page)

    page.get_by_role("button", name="Filters").click()
    dialog = page.locator("#filtersModal")
    expect(dialog).to_be_visible()
    # DRF leaves the open dialog aria-hidden, so find its parts by label and text.
    dialog.get_by_label("Name contains").fill("ER")
    dialog.locator("button", has_text="Submit").click()

    # Only the field that was filled: empty ones stay out of the URL.
    expect(page).to_have_url(re.compile(r"/heroes/\?name__icontains=ER$"))
    names = _names(page)
    assert {"Spider-Boy", "Captain North America"} <= set(names)
    assert all("er" in name.casefold() for name in names)
    assert len(names) < len(unfiltered)
    _, body = shown_response(page)
    assert body["count"] == len(names)
    _assert_no_secret_names(page)


def test_page_through_hero_list_with_next_and_previous_links(page: Page):
    page.goto("/heroes/?limit=2")
    first_page = _names(page)
    assert first_page == ["Deadpond", "Spider-Boy"]

    # Keyset links: a cursor where the page starts, no offset.
    page.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"[?&]cursor=[^&]+&limit=2$"))
    assert _names(page) == ["Rusty-Man", "Tarantula"]
    after_first = page.url

    page.get_by_role("link", name="Next").click()
    expect(page).not_to_have_url(after_first)
    assert _names(page) == ["Black Lion", "Dr. Weird"]

    page.get_by_role("link", name="Previous").click()
    expect(page).to_have_url(re.compile(r"[?&]cursor=[^&]+&limit=2$"))
    assert _names(page) == ["Rusty-Man", "Tarantula"]
    _assert_no_secret_names(page)


def test_browse_hero_detail_anonymously_never_shows_secret_name(page: Page, site: Site):
    hero = site.create_hero(name="Invisible Woman", age=29, secret_name="Sue Storm-Secret")

    page.goto(f"/heroes/{hero['id']}/")

    status, body = shown_response(page)
    assert status == "HTTP 200 OK"
    assert body == {"id": hero["id"], "name": "Invisible Woman", "age": 29}
    expect(page.locator("#put-object-form")).to_have_count(0)
    expect(page.get_by_role("button", name="DELETE")).to_have_count(0)
    _assert_no_secret_names(page, "Sue Storm-Secret")


def test_writer_creates_edits_and_deletes_hero_through_html_forms(page: Page, site: Site):
    log_in(page, "/api-auth/login/?next=/heroes/", "writer")
    expect(page).to_have_url(re.compile(r"/heroes/$"))
    expect(page.locator(".navbar")).to_contain_text("writer")

    # Create through the list page's HTML form, on the first screen above the heroes.
    page.get_by_role("link", name="HTML form").first.click()
    form = page.locator("#post-object-form form")
    post = form.get_by_role("button", name="POST").bounding_box()
    assert post["y"] + post["height"] <= page.viewport_size["height"]
    assert post["y"] < page.locator(".hero-table").bounding_box()["y"]
    form.locator("input[name=name]").fill("Ms. Playwright")
    form.locator("input[name=age]").fill("27")
    form.locator("input[name=secret_name]").fill("Paula Wrightson")
    screenshot(page, "browsable-api-create-form")
    form.get_by_role("button", name="POST").click()

    status, hero = shown_response(page)
    assert status == "HTTP 201 Created"
    assert hero == {"id": hero["id"], "name": "Ms. Playwright", "age": 27}
    _assert_no_secret_names(page, "Paula Wrightson")
    assert site.stored_hero(hero["id"]) == {
        "name": "Ms. Playwright",
        "age": 27,
        "secret_name": "Paula Wrightson",
    }

    # Edit through the detail page's PUT form: a bad age is refused and nothing changes.
    detail = f"/heroes/{hero['id']}/"
    page.goto(detail)
    page.get_by_role("link", name="HTML form").first.click()
    form = page.locator("#put-object-form form")
    expect(form.locator("input[name=name]")).to_have_value("Ms. Playwright")
    expect(form.locator("input[name=secret_name]")).to_have_value("")
    form.locator("input[name=age]").fill("-1")
    form.locator("input[name=secret_name]").fill("Paula Wright")
    form.get_by_role("button", name="PUT").click()

    expect(page.locator(".response-info")).to_contain_text("HTTP 400 Bad Request")
    status, errors = shown_response(page)
    assert list(errors) == ["age"]
    _assert_no_secret_names(page, "Paula Wright")
    assert site.api("GET", detail) == (200, hero)

    # The form came back with the error; fix the age (the secret is never echoed: retype it).
    form = page.locator("#put-object-form form")
    expect(form.locator("input[name=secret_name]")).to_have_value("")
    form.locator("input[name=name]").fill("Ms. Playwright II")
    form.locator("input[name=age]").fill("28")
    form.locator("input[name=secret_name]").fill("Paula Wright")
    form.get_by_role("button", name="PUT").click()

    expect(page.locator(".response-info")).to_contain_text("HTTP 200 OK")
    edited = {"id": hero["id"], "name": "Ms. Playwright II", "age": 28}
    assert shown_response(page) == ("HTTP 200 OK", edited)
    _assert_no_secret_names(page, "Paula Wright")
    assert site.api("GET", detail) == (200, edited)
    assert site.stored_hero(hero["id"]) == {
        "name": "Ms. Playwright II",
        "age": 28,
        "secret_name": "Paula Wright",
    }

    # Delete: the DELETE button asks for confirmation first.
    page.get_by_role("button", name="DELETE").click()
    dialog = page.locator("#deleteModal")
    expect(dialog).to_contain_text("Are you sure you want to delete Ms. Playwright II?")
    dialog.locator("button", has_text="Delete").click()  # aria-hidden dialog, as above

    expect(page.locator(".response-info")).to_contain_text("HTTP 204 No Content")
    assert site.api("GET", detail) == (404, {"detail": "Hero not found"})
    assert site.stored_hero(hero["id"]) is None
    page.goto(detail)
    assert shown_response(page) == ("HTTP 404 Not Found", {"detail": "Hero not found"})


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query, keep_blank_values=True)


def test_browse_api_root_describes_the_service_and_links_to_its_parts(page: Page, site: Site):
    page.goto("/")

    expect(page).to_have_title("Heroes API")
    expect(page.get_by_role("heading", level=1)).to_have_text("Heroes API")
    assert "DefaultRouter" not in page.content()
    parts = page.locator(".service-links")
    links = {
        "Heroes": "/heroes/",
        "API docs (Swagger UI)": "/docs/",
        "API reference (ReDoc)": "/redoc/",
        "OpenAPI schema": "/openapi.json",
        "Admin": "/admin/",
        "Liveness": "/livez/",
        "Readiness": "/readyz/",
    }
    for title, path in links.items():
        link = parts.get_by_role("link", name=title, exact=True)
        expect(link).to_have_attribute("href", path)
        assert page.request.get(site.url + path).status == 200, path  # the admin: its login
    expect(parts.locator("dt", has_text="API token")).to_contain_text("POST /auth/token/")
    expect(parts).to_contain_text('send it in the header "Authorization: Token <key>"')

    # JSON clients get the same parts as named links, as the page shows them.
    names = ["heroes", "docs", "redoc", "schema", "token", "admin", "livez", "readyz"]
    paths = [*list(links.values())[:4], "/auth/token/", *list(links.values())[4:]]
    expected = {name: site.url + path for name, path in zip(names, paths, strict=True)}
    assert shown_response(page) == ("HTTP 200 OK", expected)
    assert site.api("GET", "/") == (200, expected)
    screenshot(page, "browsable-api-root")

    parts.get_by_role("link", name="Heroes", exact=True).click()
    expect(page).to_have_title("Hero List | Heroes API")


def test_follow_hero_in_list_to_its_page_titled_with_its_name(page: Page, site: Site):
    _, heroes = site.api("GET", "/heroes/")
    rusty = next(hero for hero in heroes["results"] if hero["name"] == "Rusty-Man")
    page.goto("/heroes/")

    rows = page.locator(".hero-table tbody tr")
    expect(rows.first.get_by_role("link")).to_have_text("Deadpond")
    assert rows.count() == len(heroes["results"])
    page.locator(".hero-table").get_by_role("link", name="Rusty-Man", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/heroes/{rusty['id']}/$"))
    expect(page).to_have_title("Rusty-Man | Heroes API")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rusty-Man")
    expect(page.locator(".breadcrumb li.active")).to_have_text("Rusty-Man")
    # The JSON is the API's, unchanged: no link added to it.
    assert shown_response(page) == ("HTTP 200 OK", rusty)
    assert set(rusty) == {"id", "name", "age"}
    _assert_no_secret_names(page)


def test_hero_list_folds_its_json_below_the_heroes_until_asked(page: Page):
    page.goto("/heroes/")

    answer = page.locator(".response-info")
    expect(page.locator(".hero-table")).to_be_visible()
    expect(answer).to_be_hidden()
    page.get_by_text("The request and its JSON answer").click()

    expect(answer).to_be_visible()
    _, body = shown_response(page)
    assert body["count"] >= page.locator(".hero-table tbody tr").count() > 0


def test_filters_dialog_asks_yes_or_no_for_heroes_without_an_age(page: Page, site: Site):
    page.goto("/heroes/")
    page.get_by_role("button", name="Filters").click()
    dialog = page.locator("#filtersModal")
    expect(dialog).to_be_visible()

    without_age = dialog.get_by_label("Without an age")
    assert without_age.evaluate("element => element.tagName") == "SELECT"
    expect(without_age.locator("option")).to_have_text(["Any", "Yes", "No"])
    without_age.select_option(label="Yes")
    dialog.locator("button", has_text="Submit").click()

    expect(page).to_have_url(re.compile(r"\?age__isnull=true$"))
    names = _names(page)
    assert {"Deadpond", "Spider-Boy"} <= set(names)
    _, json_page = site.api("GET", "/heroes/?age__isnull=true")
    assert names == [hero["name"] for hero in json_page["results"]]

    # Again, with an age: the choice stays made, and only the filled fields are sent.
    page.get_by_role("button", name="Filters").click()
    expect(dialog.get_by_label("Without an age")).to_have_value("true")
    dialog.get_by_label("Without an age").select_option(label="No")
    dialog.get_by_label("Age is greater than or equal to").fill("40")
    dialog.locator("button", has_text="Submit").click()

    expect(page).to_have_url(re.compile(r"age__isnull=false"))
    assert _query(page) == {"age__gte": ["40"], "age__isnull": ["false"]}
    _, body = shown_response(page)
    assert {"Rusty-Man", "Captain North America"} <= {hero["name"] for hero in body["results"]}
    assert all(hero["age"] >= 40 for hero in body["results"])


def test_search_in_filters_dialog_sends_only_the_search(page: Page):
    page.goto("/heroes/?name__icontains=&age=")
    page.get_by_role("button", name="Filters").click()
    dialog = page.locator("#filtersModal")

    dialog.locator("input[name=search]").fill("spider")
    dialog.locator("button", has_text="Search").click()  # aria-hidden dialog, as above

    expect(page).to_have_url(re.compile(r"/heroes/\?search=spider$"))
    assert _names(page) == ["Spider-Boy"]


@pytest.mark.parametrize("path", ["/", "/heroes/", "hero"])
def test_page_fits_a_phone_with_its_heading_clear_of_the_navbar(phone_page: Page, site: Site, path):
    if path == "hero":
        _, heroes = site.api("GET", "/heroes/?name=Captain%20North%20America")
        path = f"/heroes/{heroes['results'][0]['id']}/"
    page = phone_page
    page.goto(path)

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_visible()
    box, navbar = heading.bounding_box(), page.locator(".navbar").bounding_box()
    assert box["y"] >= navbar["y"] + navbar["height"]
    # Nothing is drawn over it: the heading is what the middle of its box shows.
    middle = [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]
    assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).tagName", middle) == "H1"
    # No sideways scrolling of the page.
    width = page.evaluate("window.innerWidth")
    assert width == 390
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate("document.body.scrollWidth") <= width
    if path == "/heroes/":
        expect(page.locator(".hero-table")).to_be_visible()
        screenshot(page, "browsable-api-phone")
        # The filters dialog fits too, its search box included.
        page.get_by_role("button", name="Filters").click()
        dialog = page.locator("#filtersModal .modal-content")
        expect(dialog).to_be_visible()
        search = page.locator("#filtersModal .search-group").bounding_box()
        content = dialog.bounding_box()
        assert search["x"] + search["width"] <= content["x"] + content["width"]
        assert dialog.evaluate("element => element.scrollWidth <= element.clientWidth")
