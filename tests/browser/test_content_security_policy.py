"""Every HTML page works in Chromium under its Content-Security-Policy, and runs only
scripts from this site.

Each test also runs under the `policy_watch` of conftest.py, as every browser test does:
no securitypolicyviolation event, no console message about either policy, and no request
(blocked or not) to another origin.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import PolicyWatch, log_in
from tests.browser.site import Site
from tests.system.figures import record_figures

pytestmark = pytest.mark.browser

# Each page and what shows that it works: a selector, and the text it holds.
PAGES = {
    "/heroes/": (".response-info", "HTTP 200 OK"),
    "/heroes/?format=api": (".response-info", "HTTP 200 OK"),
    "/": (".response-info", '"heroes"'),
    "/api-auth/login/": ("form", "Log in"),
    "/admin/login/": ("#login-form", "Log in"),
    "/docs/": (".opblock-summary", "/heroes/"),
    "/redoc/": ("h1", "Heroes API"),
    "/no-such-page/": ("h1", "Not Found"),
}
CHECKED: dict[str, dict] = {}


@pytest.fixture(scope="module", autouse=True)
def _record_checked():
    yield
    record_figures("content_security_policy", {"pages": CHECKED})


def _check(watch: PolicyWatch, site: Site, path: str) -> None:
    """Asserts that the pages so far loaded scripts only from this site, and records it."""
    scripts = watch.scripts()
    # A worker's blob: URL belongs to the origin that made it.
    assert all(url.removeprefix("blob:").startswith(f"{site.url}/") for url in scripts), scripts
    problems = watch.problems(site.url)
    assert problems == {"violations": [], "console": [], "foreign requests": []}
    CHECKED[path] = {
        "requests": len(watch.requests),
        "scripts": len(scripts),
        "violations": len(problems["violations"]),
        "foreign requests": len(problems["foreign requests"]),
    }


@pytest.mark.parametrize("path", PAGES)
def test_page_works_under_both_policies(page: Page, site: Site, policy_watch, path):
    response = page.goto(path)

    selector, text = PAGES[path]
    expect(page.locator(selector).first).to_contain_text(text)
    page.wait_for_load_state("networkidle")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in f"{policy};"
    assert "unsafe-inline" not in policy
    assert "camera=()" in response.headers["permissions-policy"]
    _check(policy_watch, site, path)


def test_inline_script_injected_into_a_page_is_refused_and_reported(
    page: Page, site: Site, policy_watch
):
    page.goto("/heroes/")

    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
        }"""
    )

    expect(page.locator(".hero-table")).to_be_visible()
    page.wait_for_function("() => document.readyState === 'complete'")
    assert page.evaluate("() => window.injected") is None
    assert [v["directive"] for v in policy_watch.violations] == ["script-src-elem"]
    assert policy_watch.violations[0]["blocked"] == "inline"
    policy_watch.violations.clear()  # expected here; the watch checks the rest
    policy_watch.messages.clear()


def test_redoc_search_runs_in_its_worker_under_the_policy(page: Page, site: Site, policy_watch):
    page.goto("/redoc/")
    expect(page.locator("h1")).to_contain_text("Heroes API")

    page.get_by_placeholder("Search...").fill("Delete a hero")

    results = page.locator("[data-role='search:results']")
    expect(results).to_contain_text("Delete a hero")
    assert any(url.startswith(f"blob:{site.url}/") for url in policy_watch.scripts())
    _check(policy_watch, site, "/redoc/ (search)")


def test_browsable_api_login_and_post_form_work_under_the_policy(
    page: Page, site: Site, policy_watch
):
    log_in(page, "/api-auth/login/?next=/heroes/", "writer")
    expect(page).to_have_url(re.compile(r"/heroes/$"))

    page.get_by_role("link", name="HTML form").first.click()
    form = page.locator("#post-object-form form")
    form.locator("input[name=name]").fill("Policy Person")
    form.locator("input[name=secret_name]").fill("Paula Policy")
    form.get_by_role("button", name="POST").click()

    expect(page.locator(".response-info")).to_contain_text("HTTP 201 Created")
    page.goto("/heroes/")
    page.get_by_role("button", name="Filters").click()  # bootstrap's modal, from static JS
    expect(page.locator("#filtersModal")).to_be_visible()
    _check(policy_watch, site, "/heroes/ (writer: log in, POST form, filters)")


def test_admin_login_and_change_form_work_under_the_policy(page: Page, site: Site, policy_watch):
    log_in(page, "/admin/login/?next=/admin/heroes/hero/add/", "staff")

    page.get_by_label("Name:", exact=True).fill("Admin Policy")
    page.get_by_label("Secret name:", exact=True).fill("Ada Policy")
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    page.get_by_label("Age:", exact=True).fill("44")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    _check(policy_watch, site, "/admin/ (staff: log in, add, change)")
