"""A small HTTP client for tests that talk to a real server over loopback."""

import http.client
import json
from dataclasses import dataclass
from urllib.parse import urlsplit


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
