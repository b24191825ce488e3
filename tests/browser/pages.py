"""What a person does and sees in the browser, as small reusable steps."""

import json
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page, Request

from benchmarks.servers import BASE_DIR
from tests.browser.site import PASSWORD

SCREENSHOTS = BASE_DIR / "artifacts" / "screenshots"


def screenshot(page: Page, name: str) -> Path:
    """Saves what the page shows now to artifacts/screenshots/<name>.png (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path)
    return path


def log_in(page: Page, login_path: str, username: str) -> None:
    """Fills and submits a Django login form (the browsable API's or the admin's)."""
    page.goto(login_path)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def shown_response(page: Page) -> tuple[str, object]:
    """The status line and JSON body the browsable API shows (body None when empty)."""
    text = page.locator(".response-info pre").inner_text()
    head, _, body = text.partition("\n\n")
    return head.splitlines()[0].strip(), json.loads(body) if body.strip() else None


def foreign_requests(requests: list[Request], origin: str) -> list[str]:
    """URLs of requests the browser sent to any origin but `origin`.

    data: URLs never leave the page; blob: URLs belong to the origin after the prefix.
    A request the page's Content-Security-Policy blocked never left the browser.
    """
    sent = []
    for request in requests:
        url = request.url
        if url.startswith("data:"):
            continue
        parts = urlsplit(url.removeprefix("blob:"))
        if f"{parts.scheme}://{parts.netloc}" == origin or request.failure == "csp":
            continue
        sent.append(url)
    return sent
