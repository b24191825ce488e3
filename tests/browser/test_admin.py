"""The Django admin's hero pages, used in Chromium by staff and refused to others."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import log_in, screenshot
from tests.browser.site import Site

pytestmark = pytest.mark.browser

CHANGELIST = "/admin/heroes/hero/"


def test_staff_adds_finds_changes_and_deletes_hero_in_admin(page: Page, site: Site):
    log_in(page, "/admin/login/?next=/admin/", "staff")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    # Add.
    page.locator(".model-hero").get_by_role("link", name="Heroes").click()
    expect(page).to_have_url(re.compile(re.escape(CHANGELIST) + "$"))
    page.get_by_role("link", name="Add hero").click()
    page.get_by_label("Name:", exact=True).fill("Admin Andromeda")
    page.get_by_label("Age:", exact=True).fill("41")
    page.get_by_label("Secret name:", exact=True).fill("Andrea Adminson")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text(
        "The hero “Admin Andromeda” was added successfully."
    )
    expect(page.locator("#result_list")).to_contain_text("Andrea Adminson")
    screenshot(page, "admin")

    # Find it by its secret name.
    page.locator("#searchbar").fill("Andrea Adminson")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".field-name")).to_have_text("Admin Andromeda")
    expect(rows.first.locator(".field-age")).to_have_text("41")
    expect(rows.first.locator(".field-secret_name")).to_have_text("Andrea Adminson")
    screenshot(page, "admin-search")

    # Change its age.
    rows.first.get_by_role("link", name="Admin Andromeda").click()
    hero_id = int(re.search(r"/admin/heroes/hero/(\d+)/change/", page.url).group(1))
    expect(page.get_by_label("Secret name:", exact=True)).to_have_value("Andrea Adminson")
    page.get_by_label("Age:", exact=True).fill("42")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text(
        "The hero “Admin Andromeda” was changed successfully."
    )
    expect(page.locator("#result_list tbody tr .field-age")).to_have_text(["42"])
    assert site.api("GET", f"/heroes/{hero_id}/") == (
        200,
        {"id": hero_id, "name": "Admin Andromeda", "age": 42},
    )

    # Delete it, through the confirmation page.
    page.locator("#result_list").get_by_role("link", name="Admin Andromeda").click()
    page.get_by_role("link", name="Delete").click()
    expect(page.get_by_role("main")).to_contain_text(
        'Are you sure you want to delete the hero "Admin Andromeda"?'
    )
    page.get_by_role("button", name="Yes, I\u2019m sure").click()
    expect(page.locator(".messagelist .success")).to_contain_text(
        "The hero “Admin Andromeda” was deleted successfully."
    )
    assert site.api("GET", f"/heroes/{hero_id}/") == (404, {"detail": "Hero not found"})
    assert site.stored_hero(hero_id) is None


def test_logged_in_non_staff_user_cannot_reach_hero_admin(page: Page):
    log_in(page, "/api-auth/login/?next=/heroes/", "member")
    expect(page.locator(".navbar")).to_contain_text("member")

    page.goto(CHANGELIST)

    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/heroes/hero/$"))
    expect(page.locator(".errornote")).to_contain_text(
        "You are authenticated as member, but are not authorized to access this page."
    )
    expect(page.locator("#result_list")).to_have_count(0)
    assert "Rusty-Man" not in page.content()
    assert "Tommy Sharp" not in page.content()
