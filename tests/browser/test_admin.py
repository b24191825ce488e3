"""The Django admin's hero pages, used in Chromium by staff and refused to others."""

import re
from datetime import datetime, timedelta

import pytest
from django.utils.formats import date_format
from playwright.sync_api import Locator, Page, expect

from heroes.admin import UNTIL_FORMAT
from tests.browser.pages import log_in, screenshot
from tests.browser.site import Site

pytestmark = pytest.mark.browser

CHANGELIST = "/admin/heroes/hero/"


def test_staff_adds_finds_changes_and_deletes_hero_in_admin(page: Page, site: Site):
    log_in(page, "/admin/login/?next=/admin/", "staff")
    expect(page.get_by_role("heading", name="Heroes site administration")).to_be_visible()

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
    page.get_by_role("link", name="Delete", exact=True).click()
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


def _column(page: Page, field: str) -> list[str]:
    return page.locator(f"#result_list tbody .field-{field}").all_inner_texts()


def _filter(page: Page, title: str) -> Locator:
    """One filter of the changelist's sidebar, by its title."""
    return page.locator("#changelist-filter details", has=page.get_by_text(f"By {title}"))


def test_staff_filter_heroes_by_age_in_the_heroes_administration(page: Page, site: Site):
    page.goto("/admin/login/?next=/admin/heroes/hero/")
    expect(page.locator("#site-name")).to_have_text("Heroes administration")
    expect(page).to_have_title("Log in | Heroes administration")
    log_in(page, "/admin/login/?next=/admin/heroes/hero/", "staff")
    expect(page).to_have_title("Select hero to change | Heroes administration")
    assert "Django administration" not in page.content()

    # Ranges of age, with no count beside any choice.
    ages = _filter(page, "age")
    expect(ages.get_by_role("link")).to_have_text(
        ["All", "Under 18", "18 to 30", "31 to 50", "Over 50"]
    )
    expect(_filter(page, "has age").get_by_role("link")).to_have_text(["All", "Yes", "No"])
    expect(page.get_by_role("link", name="Show counts")).to_have_count(0)
    ages.get_by_role("link", name="31 to 50").click()

    expect(page).to_have_url(re.compile(r"\?age_range=31-50$"))
    names = _column(page, "name")
    assert {"Tarantula", "Black Lion", "Dr. Weird"} <= set(names)
    assert all(31 <= int(age) <= 50 for age in _column(page, "age"))
    expect(page.locator(".paginator")).to_contain_text(f"{len(names)} heroes")
    screenshot(page, "admin-filters")

    # With "has age: no" beside it, nobody; then every hero without an age.
    _filter(page, "has age").get_by_role("link", name="No").click()
    expect(page.locator(".paginator")).to_contain_text("0 heroes")
    _filter(page, "age").get_by_role("link", name="All").click()
    expect(page).to_have_url(re.compile(r"\?has_age=no$"))
    assert {"Deadpond", "Spider-Boy"} <= set(_column(page, "name"))
    assert set(_column(page, "age")) == {"-"}


def test_staff_see_which_clients_are_locked_out_and_until_when(page: Page, site: Site):
    log_in(page, "/admin/login/?next=/admin/", "staff")
    # After this test's own login: a login opening a new window forgets closed ones.
    start = datetime.fromisoformat(site.add_login_attempts("203.0.113.7", 10, seconds_ago=5))
    site.add_login_attempts("198.51.100.9", 9, seconds_ago=5)
    site.add_login_attempts("192.0.2.1", 10, seconds_ago=61)

    page.goto("/admin/")
    page.get_by_role("link", name="Login attempts").click()

    rows = page.locator("#result_list tbody tr")
    locked = rows.filter(has_text="203.0.113.7")
    expect(locked.locator(".field-locked_out img")).to_have_attribute("alt", "True")
    until = date_format(start + timedelta(seconds=60), UNTIL_FORMAT)
    expect(locked.locator(".field-locked_out_until")).to_have_text(
        re.compile(re.escape(until) + r" \(in ([1-5]?[0-9]) s\)")
    )
    for client in ("198.51.100.9", "192.0.2.1"):  # under the limit; its window closed
        row = rows.filter(has_text=client)
        expect(row.locator(".field-locked_out img")).to_have_attribute("alt", "False")
        expect(row.locator(".field-locked_out_until")).to_have_text("-")
    screenshot(page, "admin-login-attempts")

    _filter(page, "locked out now").get_by_role("link", name="Yes").click()
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".field-client")).to_have_text("203.0.113.7")


def test_staff_read_hero_history_and_restore_deleted_hero_in_admin(page: Page, site: Site):
    hero = site.create_hero(name="Rewind Rita", age=30, secret_name="Rita Rewinder")
    path = f"/heroes/{hero['id']}/"
    assert site.api("PATCH", path, {"age": 31, "secret_name": "Rita Rewound"})[0] == 200
    assert site.api("DELETE", path) == (204, None)
    log_in(page, "/admin/login/?next=/admin/", "staff")

    # Deleted heroes: as they were deleted, by whom, with the way back.
    page.get_by_role("link", name="Deleted heroes").click()
    row = page.locator("#result_list tbody tr", has_text="Rewind Rita")
    expect(row.locator(".field-age")).to_have_text("31")
    expect(row.locator(".field-secret_name")).to_have_text("Rita Rewound")
    expect(row.locator(".field-deleted_by")).to_have_text("writer")
    screenshot(page, "admin-deleted-heroes")

    # Restore it from the version it was deleted at.
    row.get_by_role("link", name="Restore this hero…").click()
    expect(page.get_by_label("Secret name:", exact=True)).to_have_value("Rita Rewound")
    page.get_by_role("button", name="Revert").click()
    expect(page.locator(".messagelist .success")).to_contain_text(
        "The hero “Rewind Rita” was changed successfully."
    )
    assert site.api("GET", path) == (200, {"id": hero["id"], "name": "Rewind Rita", "age": 31})
    assert site.stored_hero(hero["id"]) == {
        "name": "Rewind Rita",
        "age": 31,
        "secret_name": "Rita Rewound",
    }

    # Its history: every change, what it changed, who made it, and the restore itself.
    page.goto(f"{site.url}/admin/heroes/hero/{hero['id']}/history/")
    rows = page.locator("#change-history tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("Created")
    expect(rows.nth(0)).to_contain_text("staff")
    expect(rows.nth(0)).to_contain_text("Restored after its deletion")
    expect(rows.nth(1)).to_contain_text("Deleted")
    expect(rows.nth(2)).to_contain_text("Changed")
    expect(rows.nth(2)).to_contain_text("writer")
    expect(rows.nth(2).locator("li", has_text="Age:")).to_contain_text("30")
    expect(rows.nth(2).locator("li", has_text="Age:")).to_contain_text("31")
    expect(rows.nth(2).locator("li", has_text="Secret name:")).to_contain_text("Rita Rewinder")
    expect(rows.nth(3)).to_contain_text("Created")
    screenshot(page, "admin-history")
