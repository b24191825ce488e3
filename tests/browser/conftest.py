"""One real Chromium and one gunicorn-served site for all browser tests."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from benchmarks import servers
from tests.browser.pages import PolicyWatch
from tests.browser.site import CATALOGUE, PASSWORD, Site
from tests.system.postgres import database_of_this_pass

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 800}
# A phone held upright, 390 CSS pixels wide, that honours the pages' viewport tags.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
TIMEOUT_MS = 15_000

# Package scope, not session: while Playwright runs, its event loop makes Django refuse
# ORM calls in this thread, so it must stop before the rest of the suite runs.


@pytest.fixture(scope="package")
def site(tmp_path_factory) -> Iterator[Site]:
    """A fresh database of this pass's kind, served by gunicorn with production settings."""
    folder = tmp_path_factory.mktemp("browser-site")
    with (
        database_of_this_pass(folder) as database_url,
        servers.gunicorn(database_url, folder / "gunicorn.log") as server,
    ):
        writer_token = servers.create_user(
            database_url,
            "writer",
            PASSWORD,
            permissions=("add_hero", "change_hero", "delete_hero"),
        )
        servers.create_user(
            database_url,
            "staff",
            PASSWORD,
            permissions=(
                "view_hero",
                "add_hero",
                "change_hero",
                "delete_hero",
                "view_loginattempts",
                "delete_loginattempts",
            ),
            staff=True,
        )
        servers.create_user(database_url, "member", PASSWORD)
        site = Site(url=server.url, database_url=database_url, writer_token=writer_token)
        for name, age, secret_name in CATALOGUE:
            site.create_hero(name=name, age=age, secret_name=secret_name)
        yield site


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium package "
            "(`make test` does: scripts/install-system-packages.sh chromium).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def context(browser: Browser, site: Site) -> Iterator[BrowserContext]:
    """A fresh browser profile per test: no cookies, no session."""
    context = browser.new_context(viewport=VIEWPORT, base_url=site.url)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


def _assert_no_problems(watch: PolicyWatch, site: Site) -> None:
    problems = watch.problems(site.url)
    assert problems == {"violations": [], "console": [], "foreign requests": []}


@pytest.fixture
def policy_watch(context: BrowserContext, site: Site) -> Iterator[PolicyWatch]:
    """Watches every page of the test; after it, none may have broken its policies or
    tried to reach another origin."""
    watch = PolicyWatch(context)
    yield watch
    _assert_no_problems(watch, site)


@pytest.fixture
def page(context: BrowserContext, policy_watch: PolicyWatch) -> Page:
    return context.new_page()


@pytest.fixture
def phone_page(browser: Browser, site: Site) -> Iterator[Page]:
    """A page on a phone (PHONE), in a fresh profile watched as `policy_watch` watches."""
    context = browser.new_context(**PHONE, base_url=site.url)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        watch = PolicyWatch(context)
        yield context.new_page()
        _assert_no_problems(watch, site)
    finally:
        context.close()
