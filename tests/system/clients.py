"""A small HTTP client for tests that talk to a real server over loopback."""

import http.client
import http.cookiejar
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlencode, urlsplit


@dataclass
class Reply:
    """A response: status, headers (lower-case names) and body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


class HttpClient:
    """One client of the server: its own connection, token and source address.

    gunicorn's sync workers close the connection after each response, and http.client
    then opens a new one for the next request.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        source_address: str = "127.0.0.1",
        timeout: float = 60,
    ) -> None:
        parts = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=timeout, source_address=(source_address, 0)
        )
        self.token = token

    def request(
        self,
        method: str,
        path: str,
        body: bytes | str | dict | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        headers = dict(headers or {})
        if isinstance(body, dict):
            body = json.dumps(body)
            headers.setdefault("Content-Type", "application/json")
        if self.token:
            headers.setdefault("Authorization", f"Token {self.token}")
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            reply = Reply(
                response.status,
                {name.lower(): value for name, value in response.getheaders()},
                response.read(),
            )
        except BaseException:
            self.connection.close()
            raise
        if reply.headers.get("connection", "").lower() == "close":
            self.connection.close()
        return reply

    def close(self) -> None:
        self.connection.close()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Hands 3xx answers back to the caller, who checks where they lead."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class AdminSession:
    """A staff member logged in through the admin's login form: cookies, CSRF token, forms."""

    def __init__(self, base_url: str, username: str, password: str, *, timeout: float = 60):
        self.base_url = base_url
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects
        )
        self.get("/admin/login/")  # sets the CSRF cookie
        form = {"username": username, "password": password}
        reply = self.post("/admin/login/?next=/admin/", form)
        if reply.status != HTTPStatus.FOUND or "sessionid" not in self.cookies():
            raise RuntimeError(f"admin login failed: {reply.status} {reply.text[:300]}")

    def cookies(self) -> dict[str, str]:
        return {cookie.name: cookie.value for cookie in self.jar}

    def get(self, path: str) -> Reply:
        return self._open(urllib.request.Request(self.base_url + path))

    def post(self, path: str, form: dict[str, str]) -> Reply:
        """Posts a form with the session's CSRF token, as the admin's pages do."""
        data = urlencode({"csrfmiddlewaretoken": self.cookies()["csrftoken"], **form}).encode()
        return self._open(urllib.request.Request(self.base_url + path, data=data))

    def _open(self, request: urllib.request.Request) -> Reply:
        try:
            response = self.opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:  # 3xx, 4xx and 5xx alike
            response = error
        with response:
            headers = {name.lower(): value for name, value in response.headers.items()}
            return Reply(response.status, headers, response.read())
