"""The site under test, seen from outside: its API and, for checks, its database."""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from benchmarks import servers

PASSWORD = "correct horse battery staple"

# FastAPI's tutorial heroes: (name, age, secret name).
CATALOGUE = [
    ("Deadpond", None, "Dive Wilson"),
    ("Spider-Boy", None, "Pedro Parqueador"),
    ("Rusty-Man", 48, "Tommy Sharp"),
    ("Tarantula", 32, "Natalia Roman-on"),
    ("Black Lion", 35, "Trevor Challa"),
    ("Dr. Weird", 36, "Steve Weird"),
    ("Captain North America", 93, "Esteban Rogelios"),
]
SECRET_NAMES = [secret_name for _, _, secret_name in CATALOGUE]


@dataclass
class Site:
    """A running server, its database, and the API token of a user who may write."""

    url: str
    database_url: str
    writer_token: str

    def api(self, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
        """Calls the JSON API as the writer; returns the status and the decoded body."""
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Accept": "application/json",
                "Authorization": f"Token {self.writer_token}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        return status, json.loads(raw) if raw else None

    def create_hero(self, **fields) -> dict:
        status, hero = self.api("POST", "/heroes/", fields)
        assert status == 201, hero
        return hero

    def stored_hero(self, hero_id: int) -> dict | None:
        """The row as the database holds it, secret name included, or None."""
        code = (
            "import json\n"
            "from heroes.models import Hero\n"
            f"rows = Hero.objects.filter(pk={int(hero_id)}).values('name', 'age', 'secret_name')\n"
            "print(json.dumps(list(rows)))\n"
        )
        output = servers.manage(self.database_url, "shell", "--no-imports", "-c", code)
        rows = json.loads(output.strip().splitlines()[-1])
        return rows[0] if rows else None

    def add_login_attempts(self, client: str, attempts: int, seconds_ago: float) -> str:
        """Stores a login-attempts row whose window opened that long ago; returns its start
        as ISO 8601."""
        code = (
            "from datetime import timedelta\n"
            "from django.utils import timezone\n"
            "from heroes.models import LoginAttempts\n"
            f"start = timezone.now() - timedelta(seconds={float(seconds_ago)})\n"
            f"LoginAttempts.objects.create(client={client!r}, attempts={int(attempts)}, "
            "window_start=start)\n"
            "print(start.isoformat())\n"
        )
        output = servers.manage(self.database_url, "shell", "--no-imports", "-c", code)
        return output.strip().splitlines()[-1]
