"""The DRF browsable API at /heroes/, used in Chromium by a visitor and by a writer."""

import re

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

    expect(page).to_have_url(re.compile(r"[?&]name__icontains=ER(&|$)"))
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

    page.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"[?&]offset=2(&|$)"))
    assert _names(page) == ["Rusty-Man", "Tarantula"]

    page.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"[?&]offset=4(&|$)"))
    assert _names(page) == ["Black Lion", "Dr. Weird"]

    page.get_by_role("link", name="Previous").click()
    expect(page).to_have_url(re.compile(r"[?&]offset=2(&|$)"))
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

    # Create through the list page's HTML form.
    page.get_by_role("link", name="HTML form").first.click()
    form = page.locator("#post-object-form form")
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
    expect(dialog).to_contain_text("Are you sure you want to delete this Hero Instance?")
    dialog.locator("button", has_text="Delete").click()  # aria-hidden dialog, as above

    expect(page.locator(".response-info")).to_contain_text("HTTP 204 No Content")
    assert site.api("GET", detail) == (404, {"detail": "Hero not found"})
    assert site.stored_hero(hero["id"]) is None
    page.goto(detail)
    assert shown_response(page) == ("HTTP 404 Not Found", {"detail": "Hero not found"})
