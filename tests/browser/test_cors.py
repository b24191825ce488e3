"""CORS in Chromium: a page on another origin reads and writes heroes with fetch().

The API runs on a gunicorn of its own, started with DJANGO_CORS_ALLOWED_ORIGINS naming
one of two small static pages. Each page is served by Python's http.server on its own
port of 127.0.0.1, so both are origins other than the API's.
"""

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from benchmarks import servers
from tests.browser.conftest import TIMEOUT_MS, VIEWPORT
from tests.browser.site import PASSWORD, Site

pytestmark = pytest.mark.browser

PAGE_HTML = "<!doctype html><html><head><title>Hero client</title></head><body></body></html>"

# Runs in the page: the answer, or the name of the error fetch() rejected with (CORS
# failures reject with a TypeError and tell the page nothing more).
FETCH = """async ({url, method, headers, body}) => {
    try {
        const response = await fetch(url, {method, headers, body});
        const text = await response.text();
        return {status: response.status, body: text ? JSON.parse(text) : null};
    } catch (error) {
        return {error: error.name};
    }
}"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    timeout = 10  # seconds a connection may sit idle

    def log_message(self, format, *args) -> None:
        pass


@contextmanager
def _static_origin(folder: Path) -> Iterator[str]:
    """Serves `folder` on a free port of 127.0.0.1; yields the origin, then stops."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Iterator[tuple[str, str]]:
    """The allowed and the blocked page origins, each serving index.html."""
    folder = tmp_path_factory.mktemp("cors-page")
    (folder / "index.html").write_text(PAGE_HTML)
    with _static_origin(folder) as allowed, _static_origin(folder) as blocked:
        yield allowed, blocked


@pytest.fixture(scope="module")
def api(tmp_path_factory, pages) -> Iterator[Site]:
    """An API server that lets the allowed page origin, and only it, call it."""
    allowed, _ = pages
    folder = tmp_path_factory.mktemp("cors-api")
    database_url = servers.sqlite_url(folder / "heroes.sqlite3")
    with servers.gunicorn(
        database_url, folder / "gunicorn.log", DJANGO_CORS_ALLOWED_ORIGINS=allowed
    ) as server:
        token = servers.create_user(database_url, "writer", PASSWORD, permissions=("add_hero",))
        site = Site(url=server.url, database_url=database_url, writer_token=token)
        site.create_hero(name="Deadpond", secret_name="Dive Wilson")
        yield site


def _page_on(browser: Browser, origin: str) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(f"{origin}/index.html")
        yield page
    finally:
        context.close()


@pytest.fixture
def allowed_page(browser: Browser, pages) -> Iterator[Page]:
    yield from _page_on(browser, pages[0])


@pytest.fixture
def blocked_page(browser: Browser, pages) -> Iterator[Page]:
    yield from _page_on(browser, pages[1])


def _read_list(page: Page, api: Site) -> dict:
    return page.evaluate(
        FETCH,
        {
            "url": f"{api.url}/heroes/",
            "method": "GET",
            "headers": {"Accept": "application/json"},
            "body": None,
        },
    )


def _create(page: Page, api: Site, body: str, token: str | None) -> dict:
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    return page.evaluate(
        FETCH, {"url": f"{api.url}/heroes/", "method": "POST", "headers": headers, "body": body}
    )


def _stored_names(api: Site) -> list[str]:
    status, body = api.api("GET", "/heroes/?limit=100")
    assert status == 200
    return [hero["name"] for hero in body["results"]]


def test_page_on_allowed_origin_reads_the_hero_list(allowed_page: Page, api: Site):
    assert allowed_page.evaluate("location.origin") != api.url

    answer = _read_list(allowed_page, api)

    assert answer.get("status") == 200
    assert "Deadpond" in [hero["name"] for hero in answer["body"]["results"]]


def test_page_on_allowed_origin_creates_a_hero_with_a_token(allowed_page: Page, api: Site):
    body = '{"name": "Spider-Boy", "age": 16, "secret_name": "Pedro Parqueador"}'

    answer = _create(allowed_page, api, body, api.writer_token)

    assert answer.get("status") == 201
    assert answer["body"]["name"] == "Spider-Boy"
    assert "secret_name" not in answer["body"]
    assert api.stored_hero(answer["body"]["id"]) == {
        "name": "Spider-Boy",
        "age": 16,
        "secret_name": "Pedro Parqueador",
    }


def test_page_on_allowed_origin_reads_why_a_write_was_refused(allowed_page: Page, api: Site):
    anonymous = _create(allowed_page, api, '{"name": "Rusty-Man", "secret_name": "T"}', None)
    too_large = _create(allowed_page, api, '"' + "x" * 3_000_000 + '"', api.writer_token)

    assert anonymous.get("status") == 401
    assert "detail" in anonymous["body"]
    assert too_large.get("status") == 413
    assert "too large" in too_large["body"]["detail"]
    assert "Rusty-Man" not in _stored_names(api)


def test_page_on_origin_not_listed_can_neither_read_nor_create(blocked_page: Page, api: Site):
    body = '{"name": "Tarantula", "age": 32, "secret_name": "Natalia Roman-on"}'
    stored_before = _stored_names(api)

    read = _read_list(blocked_page, api)
    create = _create(blocked_page, api, body, api.writer_token)

    assert read == {"error": "TypeError"}
    assert create == {"error": "TypeError"}
    assert _stored_names(api) == stored_before
    assert "Tarantula" not in stored_before
