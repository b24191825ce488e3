"""The floor: a bare WSGI app on the database driver alone, serving the project's read JSON.

No framework, no validation beyond what the queries need: what serving these responses
costs in Python on this stack (gunicorn, sqlite3 or psycopg, json). Reads only: the list
with its count envelope (limit, offset, name, name__icontains, search, age__gte, age__lte,
age__isnull, ordering) and one hero.
"""

import json
import os
import re
import sqlite3
from urllib.parse import parse_qsl, urlencode

_ONE = re.compile(r"^/heroes/([0-9]+)/$")
_FIELDS = "id, name, age"
_ORDERINGS = {
    "id": "id",
    "name": "name, id",
    "-name": "name DESC, id",
    "age": "age ASC NULLS LAST, id",
    "-age": "age DESC NULLS LAST, id",
}
_connection = None


class _Postgres:
    """psycopg with sqlite3's `?` markers, so that both run the same SQL text."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.connection = psycopg.connect(url, autocommit=True)

    def execute(self, sql: str, params=()):
        return self.connection.execute(sql.replace("?", "%s"), params)


def _db():
    # One connection per worker process, kept open, as Django's CONN_MAX_AGE does.
    global _connection
    if _connection is None:
        url = os.environ["DATABASE_URL"]
        if url.startswith("sqlite"):
            path = url.removeprefix("sqlite:///")
            _connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            _connection.execute("PRAGMA synchronous=NORMAL")
        else:
            _connection = _Postgres(url)
    return _connection


def _contains(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _respond(start_response, status: str, body: object) -> list[bytes]:
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]


def _count(where: str, params: list) -> int:
    if not where:
        # The project keeps the table's row count in a one-row tally; read it as it does.
        return _db().execute("SELECT total FROM heroes_herotally WHERE id = 1").fetchone()[0]
    return _db().execute(f"SELECT COUNT(*) FROM heroes_hero{where}", params).fetchone()[0]


def _page_link(environ, query: dict[str, str], limit: int, offset: int | None) -> str:
    query = {**query, "limit": str(limit)}
    if offset:
        query["offset"] = str(offset)
    else:
        query.pop("offset", None)
    host = environ.get("HTTP_HOST") or environ["SERVER_NAME"]
    return f"http://{host}{environ['PATH_INFO']}?{urlencode(sorted(query.items()))}"


def _list(environ, start_response) -> list[bytes]:
    query = dict(parse_qsl(environ.get("QUERY_STRING", "")))
    try:
        limit = min(int(query.get("limit", 100)), 100)
        offset = int(query.get("offset", 0))
    except ValueError:
        return _respond(start_response, "400 Bad Request", {"detail": "Bad limit or offset."})
    clauses, params = [], []
    for parameter, clause in (
        ("name", "name = ?"),
        ("name__icontains", "UPPER(name) LIKE UPPER(?) ESCAPE '\\'"),
        ("search", "UPPER(name) LIKE UPPER(?) ESCAPE '\\'"),
        ("age__gte", "age >= ?"),
        ("age__lte", "age <= ?"),
    ):
        if parameter in query:
            clauses.append(clause)
            value = query[parameter]
            if parameter.startswith("age"):
                value = int(value)
            elif parameter in ("name__icontains", "search"):
                value = _contains(value)
            params.append(value)
    if "age__isnull" in query:
        clauses.append("age IS NULL" if query["age__isnull"] == "true" else "age IS NOT NULL")
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    order = _ORDERINGS[query.get("ordering", "id")]
    count = _count(where, params)
    rows = _db().execute(
        f"SELECT {_FIELDS} FROM heroes_hero{where} ORDER BY {order} LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    body = {
        "count": count,
        "next": _page_link(environ, query, limit, offset + limit)
        if offset + limit < count
        else None,
        "previous": _page_link(environ, query, limit, max(offset - limit, 0))
        if offset > 0
        else None,
        "results": [{"id": id_, "name": name, "age": age} for id_, name, age in rows],
    }
    return _respond(start_response, "200 OK", body)


def application(environ, start_response) -> list[bytes]:
    path = environ.get("PATH_INFO", "")
    if environ["REQUEST_METHOD"] != "GET":
        return _respond(start_response, "405 Method Not Allowed", {"detail": "Reads only."})
    if path == "/heroes/":
        return _list(environ, start_response)
    if match := _ONE.match(path):
        row = (
            _db()
            .execute(f"SELECT {_FIELDS} FROM heroes_hero WHERE id = ?", [int(match[1])])
            .fetchone()
        )
        if row is None:
            return _respond(start_response, "404 Not Found", {"detail": "Hero not found"})
        return _respond(
            start_response, "200 OK", dict(zip(("id", "name", "age"), row, strict=True))
        )
    if path.rstrip("/") == "/livez":
        return _respond(start_response, "200 OK", {"status": "ok"})
    return _respond(start_response, "404 Not Found", {"detail": "Not found."})
