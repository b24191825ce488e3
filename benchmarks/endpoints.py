"""What each server is asked, request by request: a row of the report each."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from benchmarks.dataset import Dataset
from benchmarks.lineup import (
    FASTAPI,
    FASTAPI_MATCHED,
    FLOOR,
    NINJA,
    NINJA_MATCHED,
    PROJECT,
)
from benchmarks.measure import Ids, Request

AGE_RANGE = "age__gte=30&age__lte=31"
CREATE_BODY = json.dumps({"name": "Bench Hero", "age": 30, "secret_name": "Bench Secret"})
# Every PUT and patch changes the hero ("{n}" and "{age}": `Request.next_body`), so that no
# server can find nothing to write and skip its UPDATE.
PUT_BODY = '{"name": "Replaced Hero {n}", "age": {age}, "secret_name": "Replaced Secret"}'
PATCH_BODY = '{"name": "Patched Hero {n}", "age": {age}}'
# How each server takes the writer's token: DRF's scheme (the project and the matched
# peers), the ninja tutorial's HttpBearer; the FastAPI tutorial has no authentication.
AUTHORIZATION = {
    PROJECT: "Token {}",
    FASTAPI_MATCHED: "Token {}",
    NINJA_MATCHED: "Token {}",
    NINJA: "Bearer {}",
    FASTAPI: "",
}
# What nginx in front costs: measured on the first page and one hero.
PROXY_ROWS = {"list", "one"}


@dataclass
class Endpoint:
    """One benchmark row: its key, title, and the request each server gets (or None)."""

    key: str
    title: str
    request: Callable[[str, Dataset], Request | None]
    reads: bool = True
    # A conditional GET: If-None-Match carries the ETag each server gave the hero.
    revalidates: bool = False
    # Goal: project CPU per request at the largest table / the smallest at most SCALE_GOAL.
    scale_goal: bool = False
    # The request measured is the `next` link of the page `request` names, as each server
    # links it (phases.resolved): a keyset cursor on the project, an offset on the peers.
    follows_next: bool = False


def _hero_path(server: str, hero_id: int | str) -> str:
    # Each server's own canonical URL: FastAPI answers the slashed form with a redirect.
    return f"/heroes/{hero_id}" + ("" if server in (FASTAPI, FASTAPI_MATCHED) else "/")


def _get(path: Callable[[Dataset], str]) -> Callable[[str, Dataset], Request]:
    return lambda server, dataset: Request("GET", path(dataset))


def _write(
    method: str, path: Callable[[str, Dataset], str], body: str = "", status: int = 200
) -> Callable[[str, Dataset], Request | None]:
    def request(server: str, dataset: Dataset) -> Request | None:
        # The floor only reads, and the proxy is measured on reads.
        scheme = AUTHORIZATION.get(server)
        if scheme is None:
            return None
        authorization = scheme.format(dataset.token)
        return Request(method, path(server, dataset), body, authorization, status=status)

    return request


def _one(server: str, dataset: Dataset) -> str:
    return _hero_path(server, dataset.hero_id)


def _delete(server: str, dataset: Dataset) -> Request | None:
    request = _write("DELETE", lambda s, d: _hero_path(s, "{id}"))(server, dataset)
    if request is not None:
        # From the last seeded hero down, sparing the one the other rows read and write.
        request.ids = Ids(next=dataset.rows, last=dataset.hero_id + 1)
    return request


def _revalidate(server: str, dataset: Dataset) -> Request | None:
    if server == FLOOR:
        return None
    return Request("GET", _hero_path(server, dataset.hero_id), status=304)


def deep_offset(dataset: Dataset) -> int:
    return max(dataset.rows - 100, 0)


def middle_offset(dataset: Dataset) -> int:
    """Where the deep page starts whose `next` link the page after it is reached by."""
    return dataset.rows // 2


def _ordered(ordering: str) -> Callable[[str, Dataset], Request]:
    return _get(lambda d: f"/heroes/?ordering={ordering}")


ENDPOINTS = [
    Endpoint("list", "list, limit=100", _get(lambda d: "/heroes/?limit=100"), scale_goal=True),
    Endpoint("one", "one hero", lambda s, d: Request("GET", _one(s, d)), scale_goal=True),
    Endpoint(
        "name",
        "name filter",
        _get(lambda d: f"/heroes/?name={quote(d.hero_name)}"),
        scale_goal=True,
    ),
    Endpoint(
        "icontains",
        "name__icontains",
        _get(lambda d: f"/heroes/?name__icontains={d.contains_term()}"),
    ),
    Endpoint("search", "search", _get(lambda d: f"/heroes/?search={d.contains_term()}")),
    # A text that only the benchmark's hero and a few namesakes hold, at any table size.
    Endpoint(
        "name_icontains_selective",
        "name__icontains, selective",
        _get(lambda d: f"/heroes/?name__icontains={quote(d.selective_term())}"),
        scale_goal=True,
    ),
    Endpoint(
        "search_selective",
        "search, selective",
        _get(lambda d: f"/heroes/?search={quote(d.selective_term())}"),
        scale_goal=True,
    ),
    Endpoint("age", "age range 30-31", _get(lambda d: f"/heroes/?{AGE_RANGE}"), scale_goal=True),
    Endpoint(
        "isnull", "age__isnull=true", _get(lambda d: "/heroes/?age__isnull=true"), scale_goal=True
    ),
    Endpoint("by_id", "ordering=id", _ordered("id"), scale_goal=True),
    Endpoint("by_name", "ordering=name", _ordered("name"), scale_goal=True),
    Endpoint("by_name_desc", "ordering=-name", _ordered("-name"), scale_goal=True),
    Endpoint("by_age_asc", "ordering=age", _ordered("age"), scale_goal=True),
    Endpoint("by_age", "ordering=-age", _ordered("-age"), scale_goal=True),
    Endpoint(
        "after_deep",
        "page after a deep page, by next",
        _get(lambda d: f"/heroes/?limit=100&offset={middle_offset(d)}"),
        scale_goal=True,
        follows_next=True,
    ),
    # Report only: an explicit OFFSET walks to the page on every server.
    Endpoint(
        "deep", "deep page by offset", _get(lambda d: f"/heroes/?limit=100&offset={deep_offset(d)}")
    ),
    Endpoint("revalidate", "304 revalidation", _revalidate, revalidates=True),
    Endpoint("create", "create", _write("POST", lambda s, d: "/heroes/", CREATE_BODY), False),
    Endpoint("put", "PUT", _write("PUT", _one, PUT_BODY), reads=False),
    Endpoint("patch", "patch", _write("PATCH", _one, PATCH_BODY), reads=False),
    Endpoint("delete", "delete", _delete, reads=False),
]
ENDPOINT_KEYS = [endpoint.key for endpoint in ENDPOINTS]

# The Django admin, on the servers that have one (the project and the django-ninja peer).
ADMIN_ENDPOINTS = {
    "admin": ("admin changelist", lambda d: "/admin/heroes/hero/"),
    "admin_search": (
        "admin search by name",
        lambda d: f"/admin/heroes/hero/?q={quote(d.hero_name)}",
    ),
}
# The most project CPU per request at the largest table / the smallest, on the rows whose
# cost must not grow with the table: the list rows marked so, and the admin pages.
SCALE_GOAL = 1.2
SCALE_GOAL_KEYS = {endpoint.key for endpoint in ENDPOINTS if endpoint.scale_goal} | set(
    ADMIN_ENDPOINTS
)
