"""Swagger UI at /docs/ and ReDoc at /redoc/, served from this site's own static files."""

import json

import pytest
from playwright.sync_api import Page, Request, expect

from tests.browser.pages import PolicyWatch, foreign_requests, screenshot
from tests.browser.site import Site

pytestmark = pytest.mark.browser

HERO_OPERATIONS = {
    ("GET", "/heroes/"),
    ("POST", "/heroes/"),
    ("GET", "/heroes/{id}/"),
    ("PUT", "/heroes/{id}/"),
    ("PATCH", "/heroes/{id}/"),
    ("DELETE", "/heroes/{id}/"),
    ("GET", "/heroes/{id}/history/"),
}
# ReDoc names operations by their summary.
HERO_OPERATION_SUMMARIES = [
    "List heroes",
    "Create a hero",
    "Read a hero",
    "Replace a hero",
    "Change some fields of a hero",
    "Delete a hero",
    "List a hero's versions",
]


@pytest.fixture
def requests(policy_watch: PolicyWatch) -> list[Request]:
    """Every request any page of the context makes, workers included."""
    return policy_watch.requests


def _swagger_operations(page: Page) -> set[tuple[str, str]]:
    summaries = page.locator(".opblock-summary")
    expect(summaries.first).to_be_visible()
    return {
        (
            summary.locator(".opblock-summary-method").inner_text().strip(),
            summary.locator(".opblock-summary-path").inner_text().strip().replace("\u200b", ""),
        )
        for summary in summaries.all()
    }


def _redoc_operations(page: Page) -> set[tuple[str, str]]:
    # Each operation's endpoint box: a button holding the verb and the path.
    endpoints = page.locator("button:has(.http-verb)")
    expect(endpoints.first).to_be_attached()
    return {
        (
            endpoint.locator(".http-verb").inner_text().strip().upper(),
            endpoint.locator("span:not(.http-verb)").first.inner_text().strip(),
        )
        for endpoint in endpoints.all()
    }


def test_swagger_ui_shows_every_hero_operation_from_local_assets(
    page: Page, site: Site, requests: list[Request]
):
    page.goto("/docs/")

    expect(page.locator(".info .title")).to_contain_text("Heroes API")
    operations = _swagger_operations(page)
    assert {op for op in operations if op[1].startswith("/heroes")} == HERO_OPERATIONS
    screenshot(page, "swagger-ui")
    assert any(request.url.startswith(f"{site.url}/static/") for request in requests)
    assert foreign_requests(requests, site.url) == []


def test_swagger_ui_try_it_out_lists_heroes_in_envelope(
    page: Page, site: Site, requests: list[Request]
):
    page.goto("/docs/")
    operation = page.locator("#operations-heroes-heroes_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()

    response = operation.locator(".live-responses-table .response")
    expect(response.locator(".response-col_status")).to_have_text("200")
    body = json.loads(response.locator(".response-col_description pre").first.inner_text())
    assert list(body) == ["count", "next", "previous", "results"]
    assert body["count"] >= len(body["results"]) > 0
    assert {"Deadpond", "Spider-Boy"} <= {hero["name"] for hero in body["results"]}
    assert all(set(hero) == {"id", "name", "age"} for hero in body["results"])
    response.scroll_into_view_if_needed()
    screenshot(page, "swagger-ui-try-it-out")
    assert foreign_requests(requests, site.url) == []


def test_redoc_shows_hero_operations_from_local_assets(
    page: Page, site: Site, requests: list[Request]
):
    page.goto("/redoc/")

    expect(page.locator("h1")).to_contain_text("Heroes API")
    for summary in HERO_OPERATION_SUMMARIES:
        expect(page.locator("h2", has_text=summary)).to_be_visible()
    page.get_by_role("menuitem", name="heroes").click()  # opens the tag in the side menu
    for summary in HERO_OPERATION_SUMMARIES:
        expect(page.get_by_role("menuitem", name=summary)).to_be_visible()
    operations = _redoc_operations(page)
    assert {op for op in operations if op[1].startswith("/heroes")} == HERO_OPERATIONS
    screenshot(page, "redoc")
    assert any(request.url.startswith(f"{site.url}/static/") for request in requests)
    assert foreign_requests(requests, site.url) == []
