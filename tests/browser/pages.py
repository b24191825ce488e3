"""What a person does and sees in the browser, as small reusable steps."""

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, Request

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
    """The status line and JSON body the browsable API shows (body None when empty).

    Read whether or not it is folded away (a list page folds it under its heroes).
    """
    text = page.locator(".response-info pre").text_content()
    head, _, body = text.partition("\n\n")
    return head.splitlines()[0].strip(), json.loads(body) if body.strip() else None


def foreign_requests(requests: list[Request], origin: str) -> list[str]:
    """URLs of requests the browser tried to send to any origin but `origin`.

    data: URLs never leave the page; blob: URLs belong to the origin after the prefix.
    A request that the page's Content-Security-Policy blocked counts too: it was tried.
    """
    sent = []
    for request in requests:
        url = request.url
        if url.startswith("data:"):
            continue
        parts = urlsplit(url.removeprefix("blob:"))
        if f"{parts.scheme}://{parts.netloc}" != origin:
            sent.append(url)
    return sent


# Runs in every page before its own scripts; the policy does not apply to it.
VIOLATION_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportPolicyViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    page: event.documentURI,
    source: event.sourceFile,
    line: event.lineNumber,
  });
});
"""
POLICY_MESSAGE = re.compile(r"Content.Security.Policy|Permissions.Policy", re.IGNORECASE)


class PolicyWatch:
    """What a browser context reports: policy violations, policy console messages, requests."""

    def __init__(self, context: BrowserContext) -> None:
        self.violations: list[dict] = []
        self.messages: list[str] = []
        self.requests: list[Request] = []
        # Lambdas, not bound methods: Playwright cannot wrap a built-in method as a handler.
        context.expose_function("reportPolicyViolation", lambda v: self.violations.append(v))
        context.add_init_script(VIOLATION_LISTENER)
        context.on("console", lambda message: self._console(message.text))
        context.on("request", lambda request: self.requests.append(request))

    def _console(self, text: str) -> None:
        if POLICY_MESSAGE.search(text):
            self.messages.append(text)

    def scripts(self) -> list[str]:
        """URLs of every script the pages loaded, workers included."""
        return [r.url for r in self.requests if r.resource_type == "script"]

    def problems(self, origin: str) -> dict[str, list]:
        """Violations, policy messages and foreign requests; all empty when all is well."""
        return {
            "violations": self.violations,
            "console": self.messages,
            "foreign requests": foreign_requests(self.requests, origin),
        }
